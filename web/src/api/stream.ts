/**
 * The live stream (GET /api/stream, server-sent events): every accepted event and every refusal the person
 * may see, with `id:` = the event's global position so the browser resumes after a dropped connection
 * (Last-Event-ID). Events may arrive unnamed or named by their type; both are listened to.
 */
import { useEffect, useRef, useState } from 'react';
import { query } from './client.ts';
import type { LedgerEvent } from './types.ts';

/** Event types the server may name its SSE messages by (the domain's events). */
export const EVENT_TYPES = [
  'BatchCreated', 'StepStarted', 'ValueRecorded', 'ValueCorrected', 'MaterialConsumed', 'ExceptionRaised', 'HoldPlaced', 'HoldReleased',
  'StepCompleted', 'StepVerified', 'StepSkipped', 'BatchCompleted', 'CommandRefused', 'DeviationRaised',
  'EquipmentAllocated', 'EquipmentReleased', 'EquipmentCleaned', 'EquipmentMarkedDirty', 'EquipmentCalibrated',
  'LotReceived', 'LotReleased', 'LotRejected', 'LotConsumed', 'LotProduced', 'LotAdjusted',
  'ProcedureVersionDrafted', 'ProcedureVersionSubmitted', 'ProcedureVersionApproved', 'ProcedureVersionMadeEffective', 'ProcedureVersionSuperseded', 'ProcedureVersionRetired',
  'DecisionOpened', 'DecisionDecided', 'DecisionEscalated', 'DeviationTriaged', 'DeviationClosed', 'BatchReleased', 'BatchRejected',
] as const;

export interface StreamFilter {
  readonly site?: string;
  readonly batch?: string;
  readonly kind?: string;
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

/** Reads one SSE message as a ledger event (the data is the event, or wraps it in `event`). */
export function eventOf(message: MessageEvent<string>): LedgerEvent | undefined {
  try {
    const body = JSON.parse(message.data) as Record<string, unknown>;
    const e = (typeof body.event === 'object' && body.event !== null ? body.event : body) as Record<string, unknown>;
    if (typeof e.type !== 'string') return undefined;
    const position = typeof e.globalPosition === 'number' ? e.globalPosition : Number(message.lastEventId) || 0;
    return {
      globalPosition: position,
      streamId: typeof e.streamId === 'string' ? e.streamId : '',
      type: e.type,
      data: e.data,
      actor: typeof e.actor === 'string' ? e.actor : '',
      recordedAt: typeof e.recordedAt === 'string' ? e.recordedAt : new Date().toISOString(),
    };
  } catch {
    return undefined;
  }
}

/** Subscribes to the live stream while the component is mounted; calls `onEvent` for each event once. */
export function useLiveEvents(filter: StreamFilter | undefined, onEvent: (event: LedgerEvent) => void): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = filter === undefined ? '' : `${filter.site ?? ''}|${filter.batch ?? ''}|${filter.kind ?? ''}`;
  useEffect(() => {
    if (filter === undefined) return;
    const source = new EventSource(`/api/stream${query({ site: filter.site, batch: filter.batch, kind: filter.kind })}`);
    let last = 0;
    const receive = (message: MessageEvent<string>) => {
      const event = eventOf(message);
      if (event === undefined) return;
      // Named and unnamed listeners may both see a message; each position is handled once.
      if (event.globalPosition !== 0 && event.globalPosition <= last) return;
      last = Math.max(last, event.globalPosition);
      handler.current(event);
    };
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus('reconnecting');
    source.onmessage = receive;
    for (const type of EVENT_TYPES) source.addEventListener(type, receive as EventListener);
    return () => source.close();
    // The filter's values are its identity: a new object with the same values keeps the connection.
  }, [key]);
  return status;
}
