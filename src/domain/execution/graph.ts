/**
 * The procedure's step graph as the batch walks it: which steps are ready, and which conditional steps
 * are skipped once everything before them is done.
 */
import { evaluateExpression, type ExpressionValue } from '../procedure/expressions.ts';
import type { StepDefinition } from '../procedure/definition.ts';
import type { BatchEvent } from './batch-events.ts';
import { evolveBatch, type BatchState } from './batch-state.ts';

const FINISHED = new Set(['done', 'skipped']);

/** Predecessors of `step` that are not yet done or skipped. */
export function openPredecessors(state: BatchState, step: StepDefinition): string[] {
  return step.after.filter((id) => !FINISHED.has(state.steps[id]?.status ?? 'pending'));
}

/** The values expressions can read: recorded fields, formula parameters and batch_size. */
export function expressionValues(state: BatchState): Record<string, ExpressionValue> {
  const values: Record<string, ExpressionValue> = {};
  for (const [name, p] of Object.entries(state.definition?.parameters ?? {})) values[name] = p.value;
  if (state.batchSize !== undefined) values.batch_size = state.batchSize;
  for (const [id, field] of Object.entries(state.values)) {
    const v = field.value;
    values[id] = typeof v === 'object' ? { mean: v.mean, min: v.min, max: v.max, values: [...v.values] } : v;
  }
  return values;
}

/**
 * Whether a step's `when` holds. A condition that cannot be evaluated (an optional input was not
 * recorded) counts as true: doing a step that was not needed is safer than silently skipping one.
 */
export function conditionHolds(state: BatchState, step: StepDefinition): boolean {
  if (step.when === undefined) return true;
  const result = evaluateExpression(step.when, expressionValues(state));
  return !result.ok || result.value !== false;
}

/** StepSkipped events for every pending step whose predecessors are finished and whose condition is false, cascading. */
export function skipsDue(state: BatchState): BatchEvent[] {
  const events: BatchEvent[] = [];
  let current = state;
  for (let changed = true; changed; ) {
    changed = false;
    for (const step of current.definition?.steps ?? []) {
      if ((current.steps[step.id]?.status ?? 'pending') !== 'pending' || step.when === undefined) continue;
      if (openPredecessors(current, step).length > 0 || conditionHolds(current, step)) continue;
      const event: BatchEvent = { type: 'StepSkipped', data: { stepId: step.id, condition: step.when, reason: `its condition "${step.when}" is false` } };
      events.push(event);
      current = evolveBatch(current, event);
      changed = true;
    }
  }
  return events;
}
