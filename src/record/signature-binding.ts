/**
 * Whether each electronic signature on a batch still covers the step content it was bound to (Part 11
 * §11.70). A signature carries `recordHash`, the stepContentHash the signer was shown; the server computes
 * it from the batch as it stands before the signing command. So:
 *
 *  - "when signed": the content in the batch folded from its events before the signature's own event;
 *  - "now": the content in the batch folded from every event of the batch's stream (as far as the record
 *    goes) except the signature's own event. Its only effect on the content is to add the signer to the
 *    performers, which the signer could not have signed; every other event, earlier or later, counts.
 *
 * `valid` compares "now", `validWhenSigned` compares "when signed". A recorded correction after signing
 * makes `valid` false with `validWhenSigned` true (the data changed after signing, visibly, in `changedBy`);
 * a signature whose content never matched (`validWhenSigned` false) means the events it was made over are
 * not the ones recorded: altered data, or a signature made over other content.
 */
import type { BatchEvent, Signature } from '../domain/execution/batch-events.ts';
import { evolveBatch, initialBatchState, type BatchState } from '../domain/execution/batch-state.ts';
import { stepContentHash } from './step-content.ts';

/** A batch event as the binding needs it: its type, data and global position. */
export interface PositionedEvent {
  readonly globalPosition: number;
  readonly type: string;
  readonly data: unknown;
}

export interface SignatureCheck {
  readonly stepId: string;
  /** The event that carries the signature (StepCompleted or StepVerified) and its position. */
  readonly event: string;
  readonly position: number;
  readonly signature: Signature;
  readonly contentHashWhenSigned: string;
  readonly contentHashNow: string;
  /** null: the signature carries no record hash, so there is nothing to check it against. */
  readonly validWhenSigned: boolean | null;
  readonly valid: boolean | null;
  /** Later events (global positions) after which the content differed from the one before. */
  readonly changedBy: readonly number[];
}

const SIGNING_EVENTS = new Set(['StepCompleted', 'StepVerified']);

function fold(events: readonly PositionedEvent[], skip?: number): BatchState {
  let state = initialBatchState;
  for (const e of events) if (e.globalPosition !== skip) state = evolveBatch(state, e as BatchEvent);
  return state;
}

function stepIdOf(e: PositionedEvent): string | undefined {
  const data = e.data as { stepId?: unknown } | null;
  return typeof data?.stepId === 'string' ? data.stepId : undefined;
}

/** The signing events of a batch stream, in order, with the signature each carries. */
function signingEvents(events: readonly PositionedEvent[]): { index: number; event: PositionedEvent; signature: Signature; stepId: string }[] {
  const found = [];
  for (const [index, event] of events.entries()) {
    if (!SIGNING_EVENTS.has(event.type)) continue;
    const signature = (event.data as { signature?: Signature } | null)?.signature;
    const stepId = stepIdOf(event);
    if (signature !== undefined && stepId !== undefined) found.push({ index, event, signature, stepId });
  }
  return found;
}

/**
 * Checks every signature in a batch's stream (its events in stream order). Throws a TypeError when the
 * events cannot be folded into a batch (not a batch stream, or malformed data).
 */
export function checkSignatures(events: readonly PositionedEvent[]): SignatureCheck[] {
  return signingEvents(events).map(({ index, event, signature, stepId }) => {
    const before = fold(events.slice(0, index));
    const step = before.definition?.steps.find((s) => s.id === stepId);
    if (step === undefined) throw new TypeError(`event ${event.globalPosition} signs step "${stepId}", which the batch's procedure does not have`);
    const whenSigned = stepContentHash(before, step);
    // Later events of this step, replayed one by one, show which of them changed the signed content.
    const changedBy: number[] = [];
    let state = before;
    let previous = whenSigned;
    for (const later of events.slice(index + 1)) {
      state = evolveBatch(state, later as BatchEvent);
      if (stepIdOf(later) !== stepId) continue;
      const current = stepContentHash(state, step);
      if (current !== previous) changedBy.push(later.globalPosition);
      previous = current;
    }
    const now = stepContentHash(fold(events, event.globalPosition), step);
    const bound = typeof signature.recordHash === 'string';
    return {
      stepId,
      event: event.type,
      position: event.globalPosition,
      signature,
      contentHashWhenSigned: whenSigned,
      contentHashNow: now,
      validWhenSigned: bound ? signature.recordHash === whenSigned : null,
      valid: bound ? signature.recordHash === now : null,
      changedBy,
    };
  });
}
