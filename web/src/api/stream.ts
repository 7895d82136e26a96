/**
 * The live stream (GET /api/stream, server-sent events): every accepted event and every refusal the person
 * may see, with `id:` = the event's global position so the browser resumes after a dropped connection
 * (Last-Event-ID). Messages are named "event" or "refusal"; the data is the event with its stream and kind.
 */
import { useEffect, useRef, useState } from 'react';
import { query } from './client.ts';
import type { LedgerEvent } from './types.ts';

/** The server names each message "event" (accepted) or "refusal" (a refused attempt). */
export const MESSAGE_NAMES = ['event', 'refusal'] as const;

export interface StreamFilter {
  readonly site?: string;
  readonly batch?: string;
  readonly kind?: string;
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

/** Reads one SSE message: {position, stream, streamPosition, kind, id, site, type, actor, recordedAt, data}. */
export function eventOf(message: MessageEvent<string>): LedgerEvent | undefined {
  try {
    const e = JSON.parse(message.data) as Record<string, unknown>;
    if (typeof e.type !== 'string') return undefined;
    const position = typeof e.position === 'number' ? e.position : Number(message.lastEventId) || 0;
    return {
      globalPosition: position,
      streamId: typeof e.stream === 'string' ? e.stream : '',
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
    for (const name of MESSAGE_NAMES) source.addEventListener(name, receive as EventListener);
    return () => source.close();
    // The filter's values are its identity: a new object with the same values keeps the connection.
  }, [key]);
  return status;
}
