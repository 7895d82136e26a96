/**
 * What a signature on a step is bound to (Part 11 §11.70): the step's recorded content — values, equipment,
 * consumption, who did it and when — canonicalised and hashed. A signature carries this hash; recomputing it
 * later and finding another value shows the signature no longer covers the record (a value was corrected
 * after signing), so a signature can never be moved to other data.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { BatchState } from '../domain/execution/batch-state.ts';
import type { StepDefinition } from '../domain/procedure/definition.ts';

/** The signed content of one step of a batch (no signatures, no status: those are the signing itself). */
export function stepContent(batch: BatchState, step: StepDefinition): Record<string, unknown> {
  const run = batch.steps[step.id];
  const values: Record<string, unknown> = {};
  for (const field of step.fields) {
    const recorded = batch.values[field.id];
    if (recorded !== undefined) values[field.id] = { value: recorded.value, evaluation: recorded.evaluation, by: recorded.by };
  }
  return {
    batch: batch.id,
    procedure: batch.procedure,
    version: batch.version,
    step: step.id,
    startedAt: run?.startedAt ?? null,
    performers: run?.performers ?? [],
    equipment: run?.equipment ?? {},
    consumed: run?.consumed ?? {},
    values,
  };
}

/** `sha256:<hex>` of the canonical JSON (RFC 8785) of the step's content. */
export function stepContentHash(batch: BatchState, step: StepDefinition): string {
  return `sha256:${createHash('sha256').update(canonicalize(stepContent(batch, step)) ?? '').digest('hex')}`;
}
