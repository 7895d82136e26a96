/**
 * The leader's figures, from the batches the API returns (definitions in DESIGN.md "Figures the system
 * reports"): work in progress by line, delays against standard times, first-pass yield and cycle time.
 * These only count what the server recorded; no rule is decided here.
 */
import type { BatchView, ProcedureDefinition, StepView } from '../api/types.ts';

/** The line a batch runs on: the prefix of its equipment ids ("L1-P-01" → "L1"), the plant's naming. */
export function lineOf(batch: BatchView): string {
  for (const step of batch.steps) for (const id of Object.values(step.equipment)) {
    const match = /^([A-Za-z0-9]+)-/.exec(id);
    if (match !== null && id.split('-').length > 2) return match[1]!;
  }
  return '—';
}

export interface Delay {
  readonly batchId: string;
  readonly step: StepView;
  readonly standardMs: number;
  readonly runningMs: number;
}

/** Steps running past their standard time now. */
export function delays(batches: readonly BatchView[], definitions: ReadonlyMap<string, ProcedureDefinition>, now: number): Delay[] {
  const out: Delay[] = [];
  for (const b of batches) {
    if (b.status !== 'in_progress') continue;
    const def = definitions.get(`${b.procedure}@${b.procedureVersion}`);
    for (const step of b.steps) {
      if (step.status !== 'in_progress' || step.startedAt === undefined) continue;
      const standardMs = def?.steps.find((s) => s.id === step.id)?.standardMs;
      if (standardMs === undefined) continue;
      const runningMs = now - Date.parse(step.startedAt);
      if (runningMs > standardMs) out.push({ batchId: b.id, step, standardMs, runningMs });
    }
  }
  return out.sort((a, b) => b.runningMs - b.standardMs - (a.runningMs - a.standardMs));
}

/** Completed batches without a deviation ÷ completed batches (repeated steps are not in the batch view). */
export function firstPassYield(completed: readonly { readonly deviations: readonly string[] }[]): number | undefined {
  if (completed.length === 0) return undefined;
  return completed.filter((b) => b.deviations.length === 0).length / completed.length;
}

/** From the first step's start to the last step's completion. */
export function cycleTimeMs(batch: BatchView): number | undefined {
  const starts = batch.steps.flatMap((s) => (s.startedAt ? [Date.parse(s.startedAt)] : []));
  const ends = batch.steps.flatMap((s) => (s.completedAt ? [Date.parse(s.completedAt)] : []));
  if (starts.length === 0 || ends.length === 0) return undefined;
  return Math.max(...ends) - Math.min(...starts);
}

/** Mean and coefficient of variation (standard deviation ÷ mean). */
export function meanAndCv(values: readonly number[]): { mean: number; cv: number } | undefined {
  if (values.length === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, cv: mean === 0 ? 0 : Math.sqrt(variance) / mean };
}
