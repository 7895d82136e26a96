/**
 * In-process checks repeated while a step runs (`repeat: { every: 30m, record: [...] }`): at completion the
 * rounds recorded are counted against the rounds the run's length called for. A missed check cannot be
 * made up afterwards, so completion is not refused; the gap becomes a minor deviation on the record, for
 * a reviewer to judge (ISA-88 / EU GMP Annex 15: in-process controls at the defined frequency).
 */
import type { StepDefinition } from '../procedure/definition.ts';
import type { DecisionContext } from '../shared/decider.ts';
import { elapsedMs, formatDuration } from '../shared/time.ts';
import type { StreamEvents } from './batch-context.ts';
import type { BatchEvent } from './batch-events.ts';
import { exceptionFor } from './exception-path.ts';
import type { BatchState } from './batch-state.ts';

/** A round counts as due only once this share of the interval has passed beyond its time. */
const GRACE = 1 / 6;

/** Rounds a run of `elapsed` ms calls for: one at the start, then one every interval (with grace). */
export function roundsDue(elapsed: number, everyMs: number): number {
  return 1 + Math.max(0, Math.floor((elapsed - everyMs * GRACE) / everyMs));
}

/** Fields whose rounds fall short, with what was recorded and what was due. */
export function missedRounds(state: BatchState, step: StepDefinition, now: string): { fieldId: string; label: string; recorded: number; due: number }[] {
  const run = state.steps[step.id];
  if (step.repeat === undefined || run?.startedAt === undefined) return [];
  const due = roundsDue(elapsedMs(run.startedAt, now), step.repeat.everyMs);
  const short = [];
  for (const fieldId of step.repeat.fields) {
    const recorded = state.values[fieldId]?.rounds ?? 0;
    if (recorded < due) short.push({ fieldId, label: step.fields.find((f) => f.id === fieldId)?.label ?? fieldId, recorded, due });
  }
  return short;
}

/** The exception and deviation for missed rounds, if any (no hold: the step is ending). */
export function missedRoundEvents(state: BatchState, step: StepDefinition, ctx: DecisionContext): { events: BatchEvent[]; also: StreamEvents[] } {
  const short = missedRounds(state, step, ctx.now);
  if (short.length === 0 || step.repeat === undefined) return { events: [], also: [] };
  const every = formatDuration(step.repeat.everyMs);
  const message = `In-process checks in "${step.title}" were missed (every ${every}): ${short.map((s) => `${s.label} ${s.recorded} of ${s.due} rounds`).join(', ')}`;
  return exceptionFor(state, step, { message }, { severity: 'minor', group: 'process', hold: 'none', ...(step.ref ? { ref: step.ref } : {}) }, ctx);
}
