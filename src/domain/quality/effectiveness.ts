/**
 * CAPA effectiveness, measured from execution: which later batches a check counts, and which of their
 * deviations are a recurrence of what the CAPA set out to prevent. Pure, so the engine feeds outcomes and
 * the rule lives here.
 */
import type { EffectivenessCriterion, ObservedDeviation } from './capa-events.ts';
import { currentCheck, type CapaState } from './capa-state.ts';

/** A batch as the check sees it when it ends (completed, or rejected before completion). */
export interface BatchOutcome {
  readonly batchId: string;
  readonly site: string;
  readonly procedure: string;
  readonly version: number;
  readonly endedAt: string;
  readonly deviations: readonly ObservedDeviation[];
}

/** The deviations of a batch that the criterion targets. */
export function recurrencesIn(criterion: EffectivenessCriterion, deviations: readonly ObservedDeviation[]): ObservedDeviation[] {
  return deviations.filter(
    (d) =>
      (criterion.stepId === undefined || d.stepId === criterion.stepId) &&
      (criterion.fieldId === undefined || d.fieldId === criterion.fieldId) &&
      (criterion.category === undefined || d.category === criterion.category),
  );
}

/**
 * Why a CAPA does not count a batch, or undefined when it does: it must be verifying, and the batch of its
 * site and procedure, on the version its change made effective or later, ended after the check started,
 * and not counted before.
 */
export function whyNotCounted(capa: CapaState, batch: BatchOutcome): string | undefined {
  const check = currentCheck(capa);
  if (check === undefined || capa.criterion === undefined) return `CAPA ${capa.id} is not verifying its effectiveness`;
  if (batch.site !== capa.site) return `batch ${batch.batchId} is of site ${batch.site}`;
  if (batch.procedure !== capa.criterion.procedure) return `batch ${batch.batchId} runs ${batch.procedure}, not ${capa.criterion.procedure}`;
  if (check.fromVersion !== undefined && batch.version < check.fromVersion) return `batch ${batch.batchId} runs version ${batch.version}, older than version ${check.fromVersion}`;
  if (Date.parse(batch.endedAt) < Date.parse(check.startedAt)) return `batch ${batch.batchId} ended before the check started`;
  if (check.observed.some((o) => o.batchId === batch.batchId)) return `batch ${batch.batchId} is already counted`;
  return undefined;
}
