/**
 * Signing a step (21 CFR 11.200, 11.70): the person types their password again; the server hashes the step
 * content it just loaded, has the signer re-authenticate the person and bind the signature to that hash,
 * and then runs the command pinned to the version it hashed, so the signature covers exactly what was
 * recorded. The password goes to the signer and nowhere else.
 */
import type { Context } from 'hono';
import type { BatchState } from '../domain/execution/batch-state.ts';
import type { SignatureInput } from '../domain/execution/batch-commands.ts';
import type { SignatureMeaning } from '../domain/procedure/definition.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import { streamOf } from '../engine/aggregates.ts';
import type { CommandOptions } from '../engine/engine.ts';
import type { Snapshot } from '../engine/snapshots.ts';
import { stepContentHash } from '../record/step-content.ts';
import type { EventStore } from '../store/event-store.ts';
import { ConcurrencyError } from '../store/errors.ts';
import type { AppEnv, SignatureRequest, Signer } from './principal.ts';
import { ProblemError, refusalProblem } from './problem.ts';

/** A signer's refusal about the session itself asks the person to sign in again; any other is a 422. */
export function signerProblemStatus(refusal: Refusal): 401 | 422 {
  return /^(unauthenticated|session_)/.test(refusal.code) ? 401 : 422;
}

/** The hash a signed command carried when it was first sent with this idempotency key, if it was. */
async function earlierRecordHash(store: EventStore, key: string): Promise<string | undefined | null> {
  const earlier = await store.findIdempotent(key);
  if (earlier === undefined) return null;
  const [first] = await store.readAll({ after: earlier.firstGlobalPosition - 1, limit: 1 });
  const data = (first?.type === 'CommandRefused' ? (first.data as { input?: unknown }).input : first?.data) as { signature?: { recordHash?: string } } | undefined;
  return data?.signature?.recordHash;
}

export interface SignedCommand {
  readonly signature?: SignatureInput;
  readonly options: CommandOptions;
}

/**
 * The signature a step command carries, and the options to run it with. `required` is the meaning the step
 * needs (undefined: it needs none, and a signature sent anyway is not made). A retry with an Idempotency-Key
 * already used reuses the first request's hash without asking for the password again: the engine then
 * answers it as the first time.
 */
export async function signStep(
  c: Context<AppEnv>,
  deps: { store: EventStore; signer: Signer },
  batch: Snapshot<BatchState>,
  stepId: string,
  required: SignatureMeaning | undefined,
  given: SignatureRequest | undefined,
  options: CommandOptions,
): Promise<SignedCommand> {
  const step = batch.state.definition?.steps.find((s) => s.id === stepId);
  if (given === undefined || required === undefined || step === undefined) return { options };
  if (options.idempotencyKey !== undefined) {
    const hash = await earlierRecordHash(deps.store, options.idempotencyKey);
    if (hash !== null) return { options, ...(hash !== undefined ? { signature: { meaning: given.meaning, recordHash: hash } } : {}) };
  }
  // A stale If-Match fails before the password is spent.
  if (options.expectedVersion !== undefined && options.expectedVersion !== batch.version) {
    throw new ConcurrencyError(streamOf('batch', batch.state.id), options.expectedVersion, batch.version);
  }
  const recordHash = stepContentHash(batch.state, step);
  const result = await deps.signer.sign(c, { meaning: given.meaning, password: given.password }, recordHash);
  if (!result.ok) throw new ProblemError(refusalProblem(result.refusal, signerProblemStatus(result.refusal)));
  return { signature: result.signature, options: { ...options, expectedVersion: batch.version } };
}
