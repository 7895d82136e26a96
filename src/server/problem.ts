/**
 * Every error the API answers, in one place: RFC 9457 problem details (`application/problem+json`).
 * Routes throw {@link ProblemError} or let a known error kind propagate; {@link toProblem} maps the rest.
 * Nothing here ever puts a stack trace or an internal message in a response.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { Refusal } from '../domain/shared/refusal.ts';
import { ConcurrencyError, IdempotencyKeyReusedError } from '../store/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://openbes.dev/problems/';

/** One field the schema rejected: where (`body.quantity`, `query.limit`) and why. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** Stable, snake_case: a domain refusal's own code, or one of the API's (not_found, invalid_request…). */
  readonly code: string;
  /** Schema violations, one per field. */
  readonly errors?: readonly FieldIssue[];
  /** A refusal's details, or facts a client can act on (the current version of a conflict). */
  readonly details?: Readonly<Record<string, unknown>>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
};

/** An error that is already a problem: the routes' one way to answer an error. */
export class ProblemError extends Error {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
  constructor(problem: Problem, headers: Record<string, string> = {}) {
    super(problem.detail);
    this.name = 'ProblemError';
    this.problem = problem;
    this.headers = headers;
  }
}

/** Builds a problem; `type` is the code's URI. */
export function problem(status: number, code: string, detail: string, extra: { errors?: readonly FieldIssue[]; details?: Record<string, unknown> } = {}): Problem {
  return { type: `${PROBLEM_BASE}${code}`, title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

/** Throws-ready form of {@link problem}. */
export function problemError(status: number, code: string, detail: string, extra: { errors?: readonly FieldIssue[]; details?: Record<string, unknown> } = {}, headers: Record<string, string> = {}): ProblemError {
  return new ProblemError(problem(status, code, detail, extra), headers);
}

/** A domain refusal: the operator's sentence as `detail`, its code and details as they are. */
export function refusalProblem(refusal: Refusal, status = 422): Problem {
  return problem(status, refusal.code, refusal.message, { details: refusal.details });
}

/** The response for a problem. */
export function problemResponse(c: Context, p: Problem, headers: Readonly<Record<string, string>> = {}): Response {
  return c.body(JSON.stringify(p), p.status as ContentfulStatusCode, { ...headers, 'content-type': PROBLEM_CONTENT_TYPE });
}

/** 400 for a request the schema rejects, naming every field and what is wrong with it. */
export function validationProblem(error: ZodError, target: string): Problem {
  const where = target === 'json' ? 'body' : target === 'param' ? 'path' : target;
  const errors = error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }));
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const detail = first === undefined ? `The request ${where} is not valid` : `${first.path}: ${first.message}${more}`;
  return problem(400, 'invalid_request', detail, { errors });
}

/** Maps any error a route let through to a problem, and says whether it is unexpected (to be logged). */
export function toProblem(error: unknown, c: Context): { problem: Problem; headers: Record<string, string>; unexpected: boolean } {
  if (error instanceof ProblemError) return { problem: error.problem, headers: { ...error.headers }, unexpected: false };
  if (error instanceof ConcurrencyError) {
    const current = error.currentVersion;
    const details = { streamId: error.streamId, currentVersion: current, expectedVersion: error.expected };
    // With If-Match the client stated the version it saw: a different one is its precondition failing.
    if (c.req.header('if-match') !== undefined) {
      return {
        problem: problem(412, 'version_mismatch', `The record changed since you read it: it is at version ${current}, not ${String(error.expected)}. Reload it and try again.`, { details }),
        headers: { etag: `"${current}"` },
        unexpected: false,
      };
    }
    return { problem: problem(409, 'concurrency_conflict', 'Someone else changed the record at the same moment; reload it and try again.', { details }), headers: {}, unexpected: false };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      problem: problem(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request; use a new key for a new action.', { details: { key: error.key } }),
      headers: {},
      unexpected: false,
    };
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 413) return { problem: problem(413, 'body_too_large', 'The request body is larger than this route accepts.'), headers: {}, unexpected: false };
    if (status === 415) return { problem: problem(415, 'unsupported_media_type', 'This route takes a JSON body: send Content-Type: application/json.'), headers: {}, unexpected: false };
    if (status === 400) return { problem: problem(400, 'malformed_body', 'The request body is not valid JSON.'), headers: {}, unexpected: false };
    if (status < 500) return { problem: problem(status, 'http_error', TITLES[status] ?? 'The request was not accepted.'), headers: {}, unexpected: false };
  }
  return { problem: problem(500, 'internal_error', 'The server could not answer; the error was logged.'), headers: {}, unexpected: true };
}
