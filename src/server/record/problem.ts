/**
 * RFC 9457 problem details for the record and stream routes, and the validation hook that turns a bad
 * path or query parameter into one (400, nothing changed, never a stack trace).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

/** A problem+json response. */
export function problem(c: Context, status: 400 | 401 | 403 | 404, code: string, detail: string) {
  return c.json({ type: 'about:blank', title: TITLES[status]!, status, detail, code }, status as ContentfulStatusCode & typeof status, {
    'content-type': 'application/problem+json',
  });
}

/** For app.openapi(route, handler, validationHook): a request that does not fit its schema is a 400 problem. */
export function validationHook(result: { success: true } | { success: false; error: ZodError }, c: Context) {
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'the request' : issue.path.join('.');
  return problem(c, 400, 'invalid_request', `${where}: ${issue?.message ?? 'invalid'}`);
}
