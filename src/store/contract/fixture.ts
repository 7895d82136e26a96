/**
 * What the contract suite needs from each backend's test setup: a fresh store, raw SQL that can
 * bypass the append-only triggers (to play the attacker), and verification as `bes verify` runs it.
 */
import type { LedgerStore } from '../ledger-store.ts';
import type { LedgerKey } from '../ledger/signing-key.ts';

export interface RawSql {
  /** Runs SQL with `?` placeholders (translated for PostgreSQL); returns rows. */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs SQL as an attacker with direct database access: the append-only triggers do not fire. */
  tamper(sql: string, params?: readonly unknown[]): Promise<void>;
}

export interface OpenedStore {
  readonly store: LedgerStore;
  readonly raw: RawSql;
  readonly key: LedgerKey;
  readonly keysDir: string;
  readonly checkpointFile: string;
  /** Closes and reopens the same database, as after a restart. */
  reopen(options?: { clock?: () => Date }): Promise<LedgerStore>;
  dispose(): Promise<void>;
}

export interface StoreFixture {
  readonly name: string;
  /** Undefined when the backend can run here; otherwise why the suite is skipped. */
  readonly skipReason: string | undefined;
  open(options?: { clock?: () => Date; maxBatch?: number; everyEvents?: number }): Promise<OpenedStore>;
}
