/**
 * The steps of the record in procedure order, grouped into sections by unit procedure and operation:
 * status, who did what when, equipment, materials, every field entry and correction, and signatures
 * with whether they still cover the content they signed.
 */
import type { FieldDefinition, StepDefinition } from '../domain/procedure/definition.ts';
import type { ExcursionRecord, FieldRecord, RecordSection, SignatureRecord, StepRecord } from './record-schema.ts';
import { eventsOf, nameOf, who, type RecordContext } from './record-context.ts';
import { checkSignatures, type SignatureCheck } from './signature-binding.ts';

function fieldRecord(ctx: RecordContext, step: StepDefinition, field: FieldDefinition): FieldRecord {
  const entries = eventsOf(ctx, 'ValueRecorded')
    .filter(({ data }) => data.stepId === step.id && data.fieldId === field.id)
    .map(({ event, data }) => ({
      round: data.round,
      value: data.value,
      evaluation: data.evaluation,
      by: data.by,
      name: nameOf(ctx, data.by),
      at: event.recordedAt,
      position: event.globalPosition,
      computed: data.computed?.expression ?? null,
    }));
  const corrections = eventsOf(ctx, 'ValueCorrected')
    .filter(({ data }) => data.stepId === step.id && data.fieldId === field.id)
    .map(({ event, data }) => ({
      previous: data.previous,
      value: data.value,
      evaluation: data.evaluation,
      reason: data.reason,
      by: data.by,
      name: nameOf(ctx, data.by),
      at: event.recordedAt,
      position: event.globalPosition,
    }));
  const current = ctx.state.values[field.id];
  return {
    id: field.id,
    label: field.label,
    type: field.type,
    unit: field.type === 'number' ? field.unit : null,
    required: field.required,
    limits: field.type === 'number' && field.limits !== undefined ? field.limits : null,
    expect: (field.type === 'check' || field.type === 'choice') && field.expect !== undefined ? field.expect : null,
    entries,
    corrections,
    current: current === undefined ? null : { value: current.value, evaluation: current.evaluation },
  };
}

/** Each excursion of the step's process tags, start paired with the end that followed it. */
function excursions(ctx: RecordContext, step: StepDefinition): ExcursionRecord[] {
  const ends = eventsOf(ctx, 'ProcessExcursionEnded').filter(({ data }) => data.stepId === step.id);
  return eventsOf(ctx, 'ProcessExcursionStarted')
    .filter(({ data }) => data.stepId === step.id)
    .map(({ event, data }) => {
      const end = ends.find((e) => e.data.tag === data.tag && e.event.streamPosition > event.streamPosition);
      if (end !== undefined) ends.splice(ends.indexOf(end), 1);
      return {
        tag: data.tag,
        source: data.source,
        unit: data.unit,
        limits: data.limits ?? null,
        started: { value: data.value, at: event.recordedAt, position: event.globalPosition },
        ended: end === undefined ? null : { value: end.data.value, at: end.event.recordedAt, position: end.event.globalPosition },
      };
    });
}

function signatureRecord(check: SignatureCheck): SignatureRecord {
  const { signature } = check;
  return {
    meaning: signature.meaning,
    by: signature.by,
    name: signature.name,
    at: signature.at,
    position: check.position,
    event: check.event,
    recordHash: signature.recordHash ?? null,
    contentHashWhenSigned: check.contentHashWhenSigned,
    contentHashNow: check.contentHashNow,
    validWhenSigned: check.validWhenSigned,
    valid: check.valid,
    changedBy: [...check.changedBy],
  };
}

function stepRecord(ctx: RecordContext, step: StepDefinition, signatures: readonly SignatureCheck[]): StepRecord {
  const run = ctx.state.steps[step.id];
  const first = <T extends { stepId: string }>(list: { event: (typeof ctx.batchEvents)[number]; data: T }[]) => list.find(({ data }) => data.stepId === step.id);
  const started = first(eventsOf(ctx, 'StepStarted'));
  const completed = first(eventsOf(ctx, 'StepCompleted'));
  const verified = first(eventsOf(ctx, 'StepVerified'));
  const skipped = first(eventsOf(ctx, 'StepSkipped'));
  const slots = ctx.state.definition?.equipment ?? {};
  return {
    id: step.id,
    title: step.title,
    instructions: step.instructions ?? null,
    role: step.role,
    verifyRole: step.verify ?? null,
    signMeaning: step.sign ?? null,
    condition: step.when ?? null,
    status: run?.status ?? 'pending',
    skipped: skipped === undefined ? null : { condition: skipped.data.condition, reason: skipped.data.reason, at: skipped.event.recordedAt, position: skipped.event.globalPosition },
    started: started === undefined ? null : who(ctx, started.event, started.data.by, started.data.name),
    completed: completed === undefined ? null : who(ctx, completed.event, completed.data.by, completed.data.name),
    verified: verified === undefined ? null : who(ctx, verified.event, verified.data.by, verified.data.name),
    performers: (run?.performers ?? []).map((id) => ({ id, name: nameOf(ctx, id) })),
    equipment: Object.entries(run?.equipment ?? {}).map(([alias, equipmentId]) => ({ alias, equipmentId, class: slots[alias]?.class ?? null })),
    materials: eventsOf(ctx, 'MaterialConsumed')
      .filter(({ data }) => data.stepId === step.id)
      .map(({ event, data }) => ({
        alias: data.material,
        materialCode: data.materialCode,
        lotId: data.lotId,
        quantity: data.quantity,
        unit: data.unit,
        balanceId: data.balanceId ?? null,
        target: data.target,
        by: data.by,
        name: nameOf(ctx, data.by),
        at: event.recordedAt,
        position: event.globalPosition,
      })),
    producedLot: completed?.data.producedLot ?? null,
    fields: step.fields.map((field) => fieldRecord(ctx, step, field)),
    excursions: excursions(ctx, step),
    signatures: signatures.filter((s) => s.stepId === step.id).map(signatureRecord),
    deviations: eventsOf(ctx, 'ExceptionRaised')
      .filter(({ data }) => data.stepId === step.id)
      .map(({ data }) => data.deviationId),
  };
}

/** Consecutive steps of the same unit procedure and operation share a section, in document order. */
export function deriveSections(ctx: RecordContext): RecordSection[] {
  const definition = ctx.state.definition!;
  const signatures = checkSignatures(ctx.batchEvents);
  const sections: RecordSection[] = [];
  for (const step of definition.steps) {
    const unit = definition.unitProcedures.find((u) => u.id === step.unitProcedure);
    const operation = unit?.operations.find((o) => o.id === step.operation);
    const last = sections.at(-1);
    const record = stepRecord(ctx, step, signatures);
    if (last !== undefined && last.unitProcedure?.id === unit?.id && last.operation?.id === operation?.id) {
      last.steps.push(record);
      continue;
    }
    sections.push({
      unitProcedure: unit === undefined ? null : { id: unit.id, title: unit.title },
      operation: operation === undefined ? null : { id: operation.id, title: operation.title },
      steps: [record],
    });
  }
  return sections;
}
