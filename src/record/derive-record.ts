/**
 * The human content of a batch record, derived from its events alone: the same function runs when the
 * server exports a record and when an auditor's verifier checks one, so the file cannot say anything its
 * events do not.
 */
import { evolveDeviation, initialDeviationState, type DeviationEvent } from '../domain/quality/deviation-state.ts';
import type { CommandRefusedData } from '../engine/refusals.ts';
import type { DerivedRecord, DeviationRecord, HoldRecord, PersonRecord, RecordEvent, RecordHeader, RefusalRecord, WhoRecord } from './record-schema.ts';
import { batchStreamId, eventsOf, nameOf, recordContext, sopText, who, type RecordContext } from './record-context.ts';
import { deriveSections } from './derive-steps.ts';

type ProcedureEventData = { procedure?: string; version?: number; sourceHash?: string; draftedBy?: string; approvedBy?: string; madeEffectiveBy?: string };

function procedureEvent(ctx: RecordContext, type: string, by: keyof ProcedureEventData): { who: WhoRecord; data: ProcedureEventData } | null {
  const { procedure, version } = ctx.state;
  const event = ctx.events.find((e) => {
    const data = e.data as ProcedureEventData;
    return e.type === type && e.streamId === `procedure-${procedure}` && data.version === version;
  });
  if (event === undefined) return null;
  const data = event.data as ProcedureEventData;
  const id = data[by];
  return { who: who(ctx, event, typeof id === 'string' ? id : event.actor), data };
}

function header(ctx: RecordContext): RecordHeader {
  const [created] = eventsOf(ctx, 'BatchCreated');
  const { state } = ctx;
  const definition = state.definition!;
  const completed = eventsOf(ctx, 'BatchCompleted')[0];
  const drafted = procedureEvent(ctx, 'ProcedureVersionDrafted', 'draftedBy');
  return {
    batchId: state.id,
    lot: created!.data.lot ?? null,
    product: created!.data.product ?? definition.product ?? null,
    site: state.site,
    kind: definition.kind,
    procedure: {
      code: state.procedure,
      title: definition.title,
      version: state.version,
      sop: sopText(definition.sop),
      sourceHash: drafted?.data.sourceHash ?? null,
      drafted: drafted?.who ?? null,
      approved: procedureEvent(ctx, 'ProcedureVersionApproved', 'approvedBy')?.who ?? null,
      effective: procedureEvent(ctx, 'ProcedureVersionMadeEffective', 'madeEffectiveBy')?.who ?? null,
    },
    batchSize: { value: state.batchSize ?? null, unit: definition.batchSize?.unit ?? null },
    status: state.status,
    created: who(ctx, created!.event),
    completed: completed === undefined ? null : who(ctx, completed.event, completed.data.by),
    producedLots: eventsOf(ctx, 'StepCompleted').flatMap(({ event, data }) =>
      data.producedLot === undefined ? [] : [{ ...data.producedLot, stepId: data.stepId, position: event.globalPosition }],
    ),
  };
}

function holds(ctx: RecordContext): HoldRecord[] {
  const released = eventsOf(ctx, 'HoldReleased');
  return eventsOf(ctx, 'HoldPlaced').map(({ event, data }) => {
    const release = released.find((r) => r.data.holdId === data.holdId);
    return {
      holdId: data.holdId,
      stepId: data.stepId ?? null,
      reason: data.reason,
      deviationId: data.deviationId ?? null,
      placed: who(ctx, event, data.by),
      released: release === undefined ? null : { ...who(ctx, release.event, release.data.by), reason: release.data.reason },
    };
  });
}

function deviations(ctx: RecordContext): DeviationRecord[] {
  return eventsOf(ctx, 'ExceptionRaised').map(({ event, data }) => {
    const own = ctx.events.filter((e) => e.streamId === `deviation-${data.deviationId}`).sort((a, b) => a.streamPosition - b.streamPosition);
    const state = own.reduce((s, e) => evolveDeviation(s, e as unknown as DeviationEvent), initialDeviationState);
    return {
      deviationId: data.deviationId,
      stepId: data.stepId,
      fieldId: data.fieldId ?? null,
      severity: data.severity,
      group: data.group,
      hold: data.hold,
      message: data.message,
      value: data.value ?? null,
      limits: data.limits ?? null,
      raised: who(ctx, event),
      status: own.length === 0 ? 'unknown' : state.status,
      events: own.map((e) => e.globalPosition),
    };
  });
}

function refusals(ctx: RecordContext): RefusalRecord[] {
  const subject = batchStreamId(ctx.batchId);
  return ctx.events
    .filter((e) => e.type === 'CommandRefused' && e.streamId.startsWith('refusals-') && (e.data as CommandRefusedData).subject === subject)
    .map((e) => {
      const data = e.data as CommandRefusedData;
      const stepId = (data.input as { stepId?: unknown } | null)?.stepId;
      return {
        position: e.globalPosition,
        at: e.recordedAt,
        by: e.actor,
        name: nameOf(ctx, e.actor),
        command: data.command,
        code: data.code,
        message: data.message,
        stepId: typeof stepId === 'string' ? stepId : null,
        input: data.input ?? null,
      };
    });
}

function people(ctx: RecordContext): PersonRecord[] {
  return ctx.events
    .filter((e) => e.type === 'PersonRegistered' && e.streamId.startsWith('person-') && ctx.names.has((e.data as { personId: string }).personId))
    .map((e) => {
      const id = (e.data as { personId: string }).personId;
      return { id, name: ctx.names.get(id)!, position: e.globalPosition };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Derives every human section of the record from its events (any order; log order is restored). Throws
 * a TypeError when the events do not hold the batch or cannot be read as its record.
 */
export function deriveRecord(batchId: string, events: readonly RecordEvent[]): DerivedRecord {
  const ctx = recordContext(batchId, [...events].sort((a, b) => a.globalPosition - b.globalPosition));
  return {
    header: header(ctx),
    sections: deriveSections(ctx),
    holds: holds(ctx),
    deviations: deviations(ctx),
    refusals: refusals(ctx),
    people: people(ctx),
  };
}
