/** A batch as the API shows it: each step with its fields, values, status and what blocks it. */
import type { BatchState } from '../../domain/execution/batch-state.ts';
import type { FieldDefinition, StepDefinition } from '../../domain/procedure/definition.ts';
import type { Snapshot } from '../../engine/snapshots.ts';
import { stepBlockers } from './step-blockers.ts';

export function batchSummary(batch: Snapshot<BatchState>) {
  const s = batch.state;
  const runs = Object.values(s.steps);
  return {
    id: s.id,
    procedure: s.procedure,
    procedureVersion: s.version,
    status: s.status === 'completed' ? ('completed' as const) : ('in_progress' as const),
    ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
    steps: { done: runs.filter((r) => r.status === 'done' || r.status === 'skipped').length, total: runs.length },
    holds: s.holds.length,
    deviations: [...s.deviations],
    version: batch.version,
  };
}

function fieldView(s: BatchState, f: FieldDefinition) {
  const recorded = s.values[f.id];
  return {
    id: f.id,
    label: f.label,
    type: f.type,
    ...('unit' in f ? { unit: f.unit } : {}),
    required: f.required,
    computed: f.type === 'number' && f.compute !== undefined,
    ...(recorded !== undefined ? { value: recorded.value, evaluation: recorded.evaluation, by: recorded.by } : {}),
  };
}

function stepView(s: BatchState, step: StepDefinition, now: string) {
  const run = s.steps[step.id] ?? { status: 'pending' as const, performers: [], equipment: {}, consumed: {} };
  return {
    id: step.id,
    title: step.title,
    role: step.role,
    ...(step.verify !== undefined ? { verify: step.verify } : {}),
    ...(step.sign !== undefined ? { sign: step.sign } : {}),
    status: run.status,
    ...(run.startedAt !== undefined ? { startedAt: run.startedAt } : {}),
    ...(run.completedAt !== undefined ? { completedAt: run.completedAt } : {}),
    performers: [...run.performers],
    equipment: { ...run.equipment },
    consumed: { ...run.consumed },
    fields: step.fields.map((f) => fieldView(s, f)),
    blockedBy: stepBlockers(s, step, now).map((r) => ({ code: r.code, message: r.message, details: { ...r.details } })),
  };
}

export function batchView(batch: Snapshot<BatchState>, now: string) {
  const s = batch.state;
  const { steps: _counts, holds: _holdCount, ...summary } = batchSummary(batch);
  return {
    ...summary,
    site: s.site,
    holds: s.holds.map((h) => ({ ...h })),
    steps: (s.definition?.steps ?? []).map((step) => stepView(s, step, now)),
  };
}
