/**
 * Refusals of identity as RFC 9457 problem details, with the one table that gives each code its HTTP
 * status. A code not in the table is a domain refusal (409: the request conflicts with the record).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Refusal } from '../../domain/shared/refusal.ts';

export const STATUS_OF_CODE: Readonly<Record<string, ContentfulStatusCode>> = {
  invalid_request: 400,
  invalid_value: 400,
  site_required: 400,
  password_too_short: 400,
  password_too_long: 400,
  password_common: 400,
  password_is_username: 400,
  password_contains_username: 400,
  current_password_required: 400,
  authentication_required: 401,
  invalid_credentials: 401,
  session_expired: 401,
  session_invalid: 401,
  token_invalid: 401,
  csrf_failed: 403,
  origin_not_allowed: 403,
  read_only_account: 403,
  password_change_required: 403,
  role_not_permitted: 403,
  site_mismatch: 403,
  no_role_at_site: 403,
  session_required: 403,
  signature_needs_session: 403,
  signature_failed: 403,
  current_password_incorrect: 403,
  account_locked: 403,
  self_unlock: 403,
  token_role_not_allowed: 403,
  generic_account: 403,
  acknowledgement_not_own: 403,
  esignature_not_acknowledged: 403,
  person_not_found: 404,
  token_not_found: 404,
  unsupported_media_type: 415,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  415: 'Unsupported Media Type',
};

/** The HTTP status of a refusal code. */
export function statusOf(code: string): ContentfulStatusCode {
  return STATUS_OF_CODE[code] ?? 409;
}

/** The problem+json body of a refusal. */
export function problemBody(refusal: Refusal, status: number = statusOf(refusal.code)) {
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail: refusal.message,
    code: refusal.code,
    ...(Object.keys(refusal.details).length > 0 ? { details: refusal.details } : {}),
  };
}

/** Answers with a refusal as problem+json; 401 answers name the scheme, as RFC 9110 asks. */
export function problem(c: Context, refusal: Refusal) {
  const status = statusOf(refusal.code);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'cache-control': 'no-store' };
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="openbes"';
  return c.json(problemBody(refusal, status), status, headers);
}
