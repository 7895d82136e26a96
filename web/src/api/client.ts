/**
 * The one door to the server: every request goes through `api()`. It sends the session's CSRF token on
 * state-changing requests, an Idempotency-Key per user action, and turns every failure into an ApiProblem.
 * A 401 on an ordinary request means the session ended: listeners (the session provider) send the person
 * back to the login page with a message.
 */
import { ApiProblem, networkProblem, problemOf } from './problem.ts';

let csrfToken: string | undefined;
const expiredListeners = new Set<(problem: ApiProblem) => void>();

/** Remembers the CSRF token the server gave with the session (at login and by GET /api/session). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Calls `listener` when a request finds the session gone; returns the unsubscribe. */
export function onSessionExpired(listener: (problem: ApiProblem) => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

/** A fresh key for one user action: a retry of the same action reuses it, so nothing is recorded twice. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON body (or a string sent as-is with `contentType`). */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly idempotencyKey?: string;
  readonly ifMatch?: string;
  /** Login and session checks: a 401 there is an answer, not an expired session. */
  readonly authProbe?: boolean;
  readonly signal?: AbortSignal;
}

export interface ApiResponse<T> {
  readonly body: T;
  readonly status: number;
  readonly headers: Headers;
}

/** Sends one request; resolves with the parsed body, or throws an ApiProblem. */
export async function apiResponse<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  let body: string | undefined;
  if (options.body !== undefined) {
    const raw = typeof options.body === 'string' && options.contentType !== undefined;
    body = raw ? (options.body as string) : JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(networkProblem(error));
  }
  if (!response.ok) {
    const problem = new ApiProblem(await problemOf(response));
    if (response.status === 401 && options.authProbe !== true) for (const listener of expiredListeners) listener(problem);
    throw problem;
  }
  const text = response.status === 204 ? '' : await response.text();
  const parsed = text === '' ? undefined : (JSON.parse(text) as T);
  return { body: parsed as T, status: response.status, headers: response.headers };
}

/** Sends one request and returns its parsed body. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await apiResponse<T>(path, options)).body;
}

/** Builds a query string from the defined values. */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Path segment, escaped. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
