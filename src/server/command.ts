/**
 * From HTTP to a command and back: Idempotency-Key and If-Match become the engine's options; its outcome
 * becomes 200/201 with the new version as ETag, or the refusal as a 422 problem.
 */
import type { Context } from 'hono';
import type { CommandOptions, Outcome } from '../engine/engine.ts';
import { ProblemError, refusalProblem } from './problem.ts';

export interface CommandHeaderValues {
  readonly 'idempotency-key'?: string | undefined;
  readonly 'if-match'?: string | undefined;
}

/** The engine options the request's headers ask for (the schema has checked their form). */
export function commandOptions(headers: CommandHeaderValues): CommandOptions {
  const key = headers['idempotency-key'];
  const ifMatch = headers['if-match'];
  return {
    ...(key !== undefined ? { idempotencyKey: key } : {}),
    // `*` asks only that the record exists, which every command route checks before it runs.
    ...(ifMatch !== undefined && ifMatch !== '*' ? { expectedVersion: Number(ifMatch.slice(1, -1)) } : {}),
  };
}

/** The ETag of a record at a version. */
export function etag(version: number): string {
  return `"${version}"`;
}

function accepted(outcome: Outcome, id: string): { body: { id: string; version: number; log: { first: number; last: number } }; headers: Record<string, string> } {
  const replayed: Record<string, string> = outcome.replayed ? { 'idempotent-replayed': 'true' } : {};
  if (!outcome.ok) throw new ProblemError(refusalProblem(outcome.refusal), replayed);
  return {
    body: { id, version: outcome.version, log: { first: outcome.firstGlobalPosition, last: outcome.lastGlobalPosition } },
    headers: { ...replayed, etag: etag(outcome.version) },
  };
}

/** The answer to a command: the same for a retry with the same Idempotency-Key, which is only flagged. */
export function commandAnswer(c: Context, outcome: Outcome, id: string) {
  const { body, headers } = accepted(outcome, id);
  return c.json(body, 200, headers);
}

/** The answer to a command that created a record at `location`. */
export function createdAnswer(c: Context, outcome: Outcome, id: string, location: string) {
  const { body, headers } = accepted(outcome, id);
  return c.json(body, 201, { ...headers, location });
}
