/**
 * Signatures on quality decisions: the meaning the decision requires, the printed name and the time, bound
 * to the record by the hash the server computed at signing (§11.50, §11.70, §11.200: the server
 * re-authenticated the signer before the command reached the domain).
 */
import type { SignatureMeaning } from '../procedure/definition.ts';
import type { SignatureInput } from '../execution/batch-commands.ts';
import type { Signature } from '../execution/batch-events.ts';
import type { DecisionContext } from '../shared/decider.ts';
import { refuse, type Refusal } from '../shared/refusal.ts';

export type { Signature, SignatureInput };

/** The signature as recorded, or `signature_required` when it is missing or means something else. */
export function sign(required: SignatureMeaning, given: SignatureInput | undefined, ctx: DecisionContext, what: string): Signature | Refusal {
  if (given?.meaning !== required) {
    return refuse('signature_required', `${what} needs your electronic signature with the meaning "${required}".`, { meaning: required }).refusal;
  }
  return { meaning: required, by: ctx.actor.id, name: ctx.actor.name, at: ctx.now, ...(given.recordHash !== undefined ? { recordHash: given.recordHash } : {}) };
}

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && 'code' in x && 'message' in x;
}

/** Text of at least three characters (a reason, a rationale), trimmed; undefined when there is none. */
export function textOf(value: unknown, min = 3): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t.length >= min ? t : undefined;
}
