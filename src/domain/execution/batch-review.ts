/**
 * Review by exception: of a batch's record, only what needs a reviewer's eyes — exceptions and the state of
 * every deviation, values in the alert band, corrections (old and new value, why, by whom), refused
 * attempts, holds, hold-time breaches, steps that ran past their standard time — plus every signature, and
 * what still stands in the way of release. A pure function of the batch, its record, its deviations and its
 * refused attempts; values inside their limits only count in the summary.
 */
import type { Refusal } from '../shared/refusal.ts';
import { elapsedMs, formatDuration } from '../shared/time.ts';
import { isOpenDeviation, type DeviationState } from '../quality/deviation-state.ts';
import type { BatchEvent, Signature } from './batch-events.ts';
import type { BatchState } from './batch-state.ts';
import { releaseBlocker } from './decide-release.ts';

/** A refused attempt on the batch, as the refusal stream recorded it. */
export interface RefusedAttempt {
  readonly command: string;
  readonly code: string;
  readonly message: string;
  readonly by: string;
  readonly at: string;
  readonly stepId?: string;
}

export type ReviewItemKind = 'exception' | 'deviation' | 'alert' | 'correction' | 'refused_attempt' | 'hold' | 'hold_time' | 'delay';

export interface ReviewItem {
  readonly kind: ReviewItemKind;
  readonly stepId?: string;
  /** Still to be acted on before release (an open deviation, a hold in place). */
  readonly open: boolean;
  readonly message: string;
  readonly by?: string;
  readonly at?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface ReviewSignature extends Signature {
  readonly stepId?: string;
  /** What was signed: a step's completion or verification, or the batch's release or rejection. */
  readonly act: 'completed' | 'verified' | 'released' | 'rejected';
}

export interface BatchReview {
  readonly batchId: string;
  readonly site: string;
  readonly procedure: string;
  readonly version: number;
  readonly status: BatchState['status'];
  readonly release?: BatchState['release'];
  readonly summary: {
    readonly steps: number;
    readonly stepsDone: number;
    readonly valuesRecorded: number;
    readonly valuesInSpec: number;
    readonly exceptions: number;
    readonly deviations: number;
    readonly openDeviations: number;
    readonly corrections: number;
    readonly refusedAttempts: number;
    readonly holds: number;
    readonly delays: number;
  };
  /** Only what needs a reviewer's eyes, in record order. */
  readonly items: readonly ReviewItem[];
  readonly signatures: readonly ReviewSignature[];
  /** What stands in the way of release whoever releases (incomplete, open deviations). */
  readonly blockers: readonly Refusal[];
  readonly readyForRelease: boolean;
}

/** The review of one batch. `refusals` are the refused attempts on it, oldest first. */
export function reviewBatch(batch: BatchState, events: readonly BatchEvent[], deviations: Readonly<Record<string, DeviationState>>, refusals: readonly RefusedAttempt[]): BatchReview {
  const items: ReviewItem[] = [];
  const signatures: ReviewSignature[] = [];
  let valuesRecorded = 0;
  let valuesInSpec = 0;
  let corrections = 0;
  let exceptions = 0;
  let holds = 0;
  let delays = 0;
  const started: Record<string, string> = {};
  for (const event of events) {
    switch (event.type) {
      case 'ValueRecorded': {
        const d = event.data;
        valuesRecorded += 1;
        if (d.evaluation === 'in_spec' || d.evaluation === 'unchecked') valuesInSpec += 1;
        else if (d.evaluation === 'alert') items.push({ kind: 'alert', stepId: d.stepId, open: false, message: `${d.fieldId} is in the alert band (round ${d.round})`, by: d.by, details: { fieldId: d.fieldId, value: d.value, limits: d.limits } });
        break;
      }
      case 'ValueCorrected': {
        const d = event.data;
        corrections += 1;
        items.push({ kind: 'correction', stepId: d.stepId, open: false, message: `${d.fieldId} corrected: ${show(d.previous)} → ${show(d.value)} (${d.reason})`, by: d.by, details: { fieldId: d.fieldId, previous: d.previous, value: d.value, evaluation: d.evaluation } });
        break;
      }
      case 'ExceptionRaised': {
        const d = event.data;
        exceptions += 1;
        items.push({ kind: 'exception', stepId: d.stepId, open: false, message: `${d.severity} exception: ${d.message}`, details: { deviationId: d.deviationId, group: d.group, hold: d.hold, value: d.value, limits: d.limits, ref: d.ref } });
        break;
      }
      case 'HoldPlaced':
        holds += 1;
        items.push({ kind: 'hold', stepId: event.data.stepId, open: batch.holds.some((h) => h.id === event.data.holdId), message: `${event.data.holdId} placed: ${event.data.reason}`, by: event.data.by, details: { holdId: event.data.holdId, deviationId: event.data.deviationId } });
        break;
      case 'HoldReleased':
        items.push({ kind: 'hold', open: false, message: `${event.data.holdId} released: ${event.data.reason}`, by: event.data.by, details: { holdId: event.data.holdId } });
        break;
      case 'StepStarted':
        started[event.data.stepId] = event.data.at;
        break;
      case 'StepCompleted': {
        const d = event.data;
        if (d.signature) signatures.push({ ...d.signature, stepId: d.stepId, act: 'completed' });
        const step = batch.definition?.steps.find((s) => s.id === d.stepId);
        const from = started[d.stepId];
        if (step?.standardMs !== undefined && from !== undefined && elapsedMs(from, d.at) > step.standardMs) {
          delays += 1;
          items.push({
            kind: 'delay',
            stepId: d.stepId,
            open: false,
            message: `"${step.title}" took ${formatDuration(elapsedMs(from, d.at))} against a standard of ${formatDuration(step.standardMs)}`,
            details: { durationMs: elapsedMs(from, d.at), standardMs: step.standardMs },
          });
        }
        break;
      }
      case 'StepVerified':
        if (event.data.signature) signatures.push({ ...event.data.signature, stepId: event.data.stepId, act: 'verified' });
        break;
      case 'BatchReleased':
        signatures.push({ ...event.data.signature, act: 'released' });
        break;
      case 'BatchRejected':
        signatures.push({ ...event.data.signature, act: 'rejected' });
        break;
      default:
        break;
    }
  }
  for (const id of batch.deviations) {
    const d = deviations[id];
    items.push({
      kind: 'deviation',
      ...(d?.stepId !== undefined ? { stepId: d.stepId } : {}),
      open: isOpenDeviation(d),
      message: d === undefined ? `deviation ${id} could not be read` : `${d.severity} deviation ${id} is ${d.status}${d.disposition ? ` (disposition: ${d.disposition.disposition})` : ''}: ${d.description}`,
      ...(d ? { by: d.raisedBy, at: d.raisedAt } : {}),
      details: { deviationId: id, status: d?.status, severity: d?.severity, category: d?.category, disposition: d?.disposition?.disposition, rootCause: d?.investigation?.rootCauseCategory },
    });
  }
  for (const r of refusals) {
    const hold = r.code === 'hold_time_exceeded';
    items.push({ kind: hold ? 'hold_time' : 'refused_attempt', ...(r.stepId !== undefined ? { stepId: r.stepId } : {}), open: false, message: `${r.command} refused (${r.code}): ${r.message}`, by: r.by, at: r.at, details: { code: r.code } });
  }
  const blockers: Refusal[] = [];
  if (batch.release === undefined) {
    // Checked as nobody in particular: who may release is the release's own rule.
    const blocker = releaseBlocker(batch, { actor: { id: '', name: '', site: batch.site, roles: [] }, deviations });
    if (blocker) blockers.push(blocker);
  }
  const steps = Object.values(batch.steps);
  return {
    batchId: batch.id,
    site: batch.site,
    procedure: batch.procedure,
    version: batch.version,
    status: batch.status,
    ...(batch.release ? { release: batch.release } : {}),
    summary: {
      steps: steps.length,
      stepsDone: steps.filter((s) => s.status === 'done' || s.status === 'skipped').length,
      valuesRecorded,
      valuesInSpec,
      exceptions,
      deviations: batch.deviations.length,
      openDeviations: batch.deviations.filter((id) => isOpenDeviation(deviations[id])).length,
      corrections,
      refusedAttempts: refusals.length,
      holds,
      delays,
    },
    items,
    signatures,
    blockers,
    readyForRelease: batch.release === undefined && blockers.length === 0,
  };
}

function show(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'mean' in value) return `mean ${(value as { mean: number }).mean}`;
  return String(value);
}

