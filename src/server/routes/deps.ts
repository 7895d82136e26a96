/** What every route file is given, and the small helpers they share. */
import type { Actor } from '../../domain/shared/decider.ts';
import type { CommandOptions, Outcome } from '../../engine/engine.ts';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Engine } from '../../engine/engine.ts';
import type { Snapshot } from '../../engine/snapshots.ts';
import type { LedgerStore } from '../../store/ledger-store.ts';
import type { AppEnv, Signer } from '../principal.ts';

export type Api = OpenAPIHono<AppEnv>;

export interface RouteDeps {
  readonly store: LedgerStore;
  readonly engine: Engine;
  readonly signer: Signer;
  readonly now: () => Date;
  /** Registers a person so that they can sign in (identity claims the username for good); default: the engine alone. */
  readonly registerPerson?: PersonRegistrar;
}

/** What registering a person takes beyond the ledger (src/identity/register-person.ts). */
export type PersonRegistrar = (person: { readonly personId: string; readonly username: string; readonly name: string }, actor: Actor, options: CommandOptions) => Promise<Outcome>;

/** One page of records sorted by id, after the cursor. */
export function pageOf<T>(items: readonly T[], idOf: (item: T) => string, query: { limit: number; after?: string | undefined }): { items: T[]; next?: string } {
  const sorted: T[] = [...items].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  const start = query.after === undefined ? 0 : sorted.findIndex((item) => idOf(item) > query.after!);
  const rest = start < 0 ? [] : sorted.slice(start);
  const chosen = rest.slice(0, query.limit);
  return rest.length > query.limit ? { items: chosen, next: idOf(chosen[chosen.length - 1]!) } : { items: chosen };
}

/** The current states of every record of a kind (the read model keeps one snapshot each). */
export async function allOf<S>(store: LedgerStore, kind: string): Promise<Snapshot<S>[]> {
  return store.listDocuments<Snapshot<S>>(kind);
}
