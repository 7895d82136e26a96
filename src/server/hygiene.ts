/**
 * HTTP hygiene around every route: security headers, CORS for an exact list of origins, body size limits,
 * JSON-only bodies where a route takes JSON, and one log line per request with its id. Bodies and
 * credentials are never logged.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { accessKey } from './access.ts';
import { matchedEndpoint } from './authorize.ts';
import { PLACEHOLDER_STYLE } from './placeholder-page.ts';
import { problemError } from './problem.ts';

export const BODY_LIMIT = 256 * 1024;
export const PROCEDURE_BODY_LIMIT = 1024 * 1024;

/** Where the server's log lines go; errors carry the request id so a report can be found. */
export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  error: (message, error) => console.error(message, error ?? ''),
};

const placeholderStyleHash = `'sha256-${createHash('sha256').update(PLACEHOLDER_STYLE).digest('base64')}'`;

const strictHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    styleSrc: ["'self'", placeholderStyleHash],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    objectSrc: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
});

// Swagger UI styles its widgets inline and draws icons from data: URIs; its scripts still come only from here.
const docsHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    objectSrc: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
});

/** Security headers on every response; the API reference gets the looser style rules it needs. */
export function securityHeaders(): MiddlewareHandler {
  return (c, next) => (c.req.path === '/api/docs' || c.req.path.startsWith('/api/docs/') ? docsHeaders(c, next) : strictHeaders(c, next));
}

/**
 * CORS for exactly the configured origins, with credentials. Any other origin gets no CORS headers at all
 * (the browser then keeps the response from its page); same-origin requests need none.
 */
export function corsFor(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  const handler = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'If-Match', 'If-None-Match', 'X-CSRF-Token', 'X-Request-Id'],
    exposeHeaders: ['ETag', 'Location', 'Idempotent-Replayed', 'X-Request-Id'],
    maxAge: 600,
  });
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin === undefined || !allowed.has(origin)) {
      await next();
      c.header('Vary', 'Origin', { append: true });
      return;
    }
    return handler(c, next);
  };
}

// The unread rest of the body is dropped with the connection: a client must not send its next request on it.
const tooLarge = (limit: number) => () => {
  throw problemError(413, 'body_too_large', `The request body is larger than ${limit / 1024} KiB, the most this route accepts.`, {}, { connection: 'close' });
};
const defaultLimit = bodyLimit({ maxSize: BODY_LIMIT, onError: tooLarge(BODY_LIMIT) });
const procedureLimit = bodyLimit({ maxSize: PROCEDURE_BODY_LIMIT, onError: tooLarge(PROCEDURE_BODY_LIMIT) });

/** 256 KiB for any body; procedure sources may be up to 1 MiB. */
export function bodyLimits(): MiddlewareHandler {
  return (c, next) => (c.req.method === 'POST' && (c.req.path === '/api/procedures' || c.req.path === '/api/procedures/check') ? procedureLimit(c, next) : defaultLimit(c, next));
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const YAML_TYPE = /^(application|text)\/(x-)?yaml$/i;

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim();
}

/**
 * 415 unless a body route gets the media type it takes: JSON everywhere, YAML too where a route takes a
 * procedure's source. `routes` are the access-table keys of the JSON routes; `yamlRoutes` may also take YAML.
 */
export function requireMediaType(routes: ReadonlySet<string>, yamlRoutes: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    const endpoint = matchedEndpoint(c);
    if (endpoint === undefined) return next();
    const key = accessKey(endpoint.method, endpoint.path);
    if (!routes.has(key)) return next();
    const type = mediaType(c.req.header('content-type'));
    if (JSON_TYPE.test(type) || (yamlRoutes.has(key) && YAML_TYPE.test(type))) return next();
    const takes = yamlRoutes.has(key) ? 'a JSON body or a procedure as text/yaml' : 'a JSON body: send Content-Type: application/json (use {} when there is nothing to say)';
    throw problemError(415, 'unsupported_media_type', `This route takes ${takes}; got ${type === '' ? 'no Content-Type' : type}.`);
  };
}

/** One line per request: id, method, path, status, duration. */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round(performance.now() - started);
    logger.info(`[http] ${c.get('requestId')} ${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms`);
  };
}

/** 304 for a GET whose If-None-Match names the record's current ETag: the client's copy is current. */
export function notModified(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'GET' || c.res.status !== 200) return;
    const tag = c.res.headers.get('etag');
    const wanted = c.req.header('if-none-match');
    if (tag === null || wanted === undefined) return;
    if (wanted.split(',').some((t) => t.trim() === tag || t.trim() === '*')) c.res = new Response(null, { status: 304, headers: { etag: tag } });
  };
}
