/**
 * Deviations, decisions and refusal history. These routes come with the quality work (issue 5) and the API
 * (issue 4); a server that does not offer one yet answers 404, and the UI says so instead of guessing.
 */
import { api, newIdempotencyKey, query, seg } from './client.ts';
import { ApiProblem } from './problem.ts';
import type { Page } from './types.ts';

/**
 * The answer of a route that may not exist on this server yet. `failed` says it exists but refused or
 * failed (e.g. 403 for a role that may not read it): the section shows that sentence instead.
 */
export type Optional<T> = { readonly available: true; readonly value: T } | { readonly available: false; readonly detail: string; readonly failed: boolean };

/** Calls `load`; a 404 "no route" (not a missing record) or 405 becomes "not available", other problems "failed". */
export async function optional<T>(load: () => Promise<T>): Promise<Optional<T>> {
  try {
    return { available: true, value: await load() };
  } catch (error) {
    if (!(error instanceof ApiProblem) || error.status === 401) throw error;
    const absent = error.status === 405 || (error.status === 404 && /no route/i.test(error.problem.detail));
    return { available: false, detail: error.problem.detail, failed: !absent };
  }
}

export interface DeviationView {
  readonly id: string;
  readonly status: string;
  readonly batchId?: string;
  readonly stepId?: string;
  readonly fieldId?: string;
  readonly severity?: string;
  readonly group?: string;
  readonly message?: string;
  readonly value?: unknown;
  readonly raisedAt?: string;
  readonly due?: string;
  readonly [more: string]: unknown;
}

export interface DecisionView {
  readonly id: string;
  readonly subject?: Record<string, unknown> | string;
  readonly kind?: string;
  readonly role?: string;
  readonly assignee?: string;
  readonly status?: string;
  readonly due?: string;
  readonly dueAt?: string;
  readonly title?: string;
  readonly [more: string]: unknown;
}

export interface RefusalView {
  readonly position: number;
  readonly at?: string;
  readonly by?: string;
  readonly subject?: string;
  readonly command?: string;
  readonly code: string;
  readonly message: string;
}

const items = <T>(body: Page<T> | { items: T[] } | T[]): T[] => (Array.isArray(body) ? body : [...body.items]);

export const listDeviations = () => optional(async () => items(await api<Page<DeviationView>>(`/api/deviations${query({ limit: 200 })}`)));
export const getDeviation = (id: string) => api<DeviationView>(`/api/deviations/${seg(id)}`);
/** Open decisions of the site (filtered here, so any paging or filter parameters of the route do not matter). */
export const listDecisions = () => optional(async () => items(await api<Page<DecisionView>>('/api/decisions')).filter((d) => d.status === undefined || d.status === 'open'));
/** The refused attempts at the site, newest first, up to `max` of them (pages of 200, by position). */
export const listRefusals = (max = 2000) =>
  optional(async () => {
    const out: RefusalView[] = [];
    let before: number | undefined;
    do {
      const page = await api<{ items: RefusalView[]; next?: number }>(`/api/refusals${query({ limit: 200, before })}`);
      out.push(...page.items);
      before = page.next;
    } while (before !== undefined && out.length < max);
    return out;
  });

/** Release of a batch (issue 5): refused while a deviation is open or a step incomplete. */
export const releaseBatch = (batchId: string, signature: { meaning: 'released'; password: string }) =>
  api(`/api/batches/${seg(batchId)}/release`, { method: 'POST', body: { signature }, idempotencyKey: newIdempotencyKey() });
