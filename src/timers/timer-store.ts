/**
 * Durable timers (due times and escalations): rows in the same database as the event store, in tables of
 * their own (prefix `timer_`, own migrations), one folder per backend with the same file names. A timer is
 * scheduled once per key, claimed by one process at a time (a lease, taken atomically: FOR UPDATE SKIP
 * LOCKED on PostgreSQL), fired by running a domain command through the engine with the timer's key as
 * idempotency key — so even a claim lost to a crash and taken again by another process appends once — and
 * then marked fired. The rows are derived from the ledger (see src/engine/quality-reactor.ts), which stays
 * the record: a lost timer table is rebuilt by reading the ledger again.
 */

/** A timer as it is scheduled. */
export interface TimerSpec {
  /** Unique: scheduling the same key again changes nothing. */
  readonly key: string;
  /** What firing does, e.g. "decision-escalation". */
  readonly kind: string;
  /** The entity it acts on, e.g. "decision-triage-B-1-D1": cancelling works per subject. */
  readonly subject: string;
  /** ISO 8601 UTC with milliseconds (its text order is its time order). */
  readonly dueAt: string;
  readonly payload: unknown;
}

export type TimerStatus = 'pending' | 'fired' | 'skipped' | 'cancelled';

export interface TimerRow extends TimerSpec {
  readonly status: TimerStatus;
  readonly attempts: number;
  readonly claimedBy?: string;
  readonly claimedUntil?: string;
  readonly firedAt?: string;
  readonly result?: string;
  readonly lastError?: string;
}

/** What one pass of the reactor changes, in one transaction. */
export interface TimerSync {
  readonly schedule: readonly TimerSpec[];
  /** Pending timers of these subjects are cancelled, except the keys kept. */
  readonly cancel: readonly { readonly subject: string; readonly keep: readonly string[] }[];
  /** The ledger position the reactor has handled up to (never moves back). */
  readonly cursor?: { readonly name: string; readonly position: number };
}

export interface TimerStore {
  sync(changes: TimerSync): Promise<void>;
  /** The position a named cursor reached, 0 at first. */
  cursor(name: string): Promise<number>;
  /**
   * Claims up to `limit` pending timers due at `now` that nobody holds (or whose holder's lease ran out),
   * for `leaseMs`; each is claimed by exactly one caller.
   */
  claimDue(now: string, owner: string, leaseMs: number, limit: number): Promise<TimerRow[]>;
  /** Marks a claimed timer done; false when `owner` no longer holds it. */
  finish(key: string, owner: string, status: 'fired' | 'skipped', at: string, result: string): Promise<boolean>;
  /** Gives a claimed timer back after a failure, to be tried again. */
  fail(key: string, owner: string, error: string): Promise<void>;
  list(subject?: string): Promise<TimerRow[]>;
  close(): Promise<void>;
}
