/**
 * Where credentials, sessions and API tokens live: tables of their own (prefix `identity_`) in the same
 * database as the event store, never in the ledger. The ledger is append-only and exported to auditors;
 * these rows change on every login and hold secrets' hashes. What happens to them is audited as events
 * (src/identity/audit.ts). Both backends (sqlite/, postgres/) pass one contract suite (contract/).
 */
import type { AttemptCounters } from '../lockout.ts';

/** A personal account belongs to one person; a generic (shared) account can only read. */
export type AccountKind = 'personal' | 'generic';

export interface CredentialRow extends AttemptCounters {
  readonly personId: string;
  /** As registered; unique ignoring case, and never given to anyone else, even after deactivation. */
  readonly username: string;
  /** Argon2id PHC string; null until a password is set. */
  readonly passwordHash: string | null;
  readonly accountKind: AccountKind;
  readonly passwordChangedAt: string | null;
  /** Set by an admin: the person must choose their own password before doing anything else. */
  readonly mustChangePassword: boolean;
  readonly createdAt: string;
  /** Increases on every change of the counters: attempts compare-and-set on it. */
  readonly version: number;
}

export interface SessionRow {
  /** Hex SHA-256 of the session id; the id itself is only ever in the cookie. */
  readonly idHash: string;
  readonly personId: string;
  readonly site: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
}

export interface TokenRow {
  readonly id: string;
  /** Hex SHA-256 of the token; the token is shown once, when issued. */
  readonly tokenHash: string;
  readonly personId: string;
  readonly site: string;
  readonly role: string;
  readonly label: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
}

export interface UsernameReservation {
  readonly personId: string;
  readonly username: string;
  readonly accountKind: AccountKind;
  readonly createdAt: string;
}

/** `reserved`: new; `already_reserved`: this person already holds this username (a retry). */
export type ReservationResult = 'reserved' | 'already_reserved' | 'username_taken' | 'person_has_username';

export interface IdentityStore {
  /** Claims a username for a person before the person is registered; usernames are never freed once used. */
  reserveUsername(reservation: UsernameReservation): Promise<ReservationResult>;
  /** Frees a reservation whose registration was refused (only while no password was ever set). */
  releaseUsername(personId: string): Promise<void>;
  credentialByUsername(username: string): Promise<CredentialRow | undefined>;
  credentialOf(personId: string): Promise<CredentialRow | undefined>;
  /** Sets the hash and clears the failure counters; false when the person has no credential row. */
  setPassword(personId: string, passwordHash: string, at: string, mustChange: boolean): Promise<boolean>;
  /** Writes the counters if the row is still at `expectedVersion`; false when another attempt came first. */
  updateCounters(personId: string, expectedVersion: number, counters: AttemptCounters): Promise<boolean>;

  createSession(session: SessionRow): Promise<void>;
  session(idHash: string): Promise<SessionRow | undefined>;
  touchSession(idHash: string, at: string): Promise<void>;
  /** Gives a session a new id (same person, site, CSRF token, absolute end); false when it no longer exists. */
  rotateSession(oldIdHash: string, newIdHash: string, at: string): Promise<boolean>;
  /** Ends one session; returns it when it existed. */
  deleteSession(idHash: string): Promise<SessionRow | undefined>;
  /** Ends every session of a person but `keepIdHash`; returns those ended. */
  deleteSessionsOf(personId: string, keepIdHash?: string): Promise<SessionRow[]>;
  sessionsOf(personId: string): Promise<SessionRow[]>;
  allSessions(): Promise<SessionRow[]>;

  createToken(token: TokenRow): Promise<void>;
  tokenByHash(tokenHash: string): Promise<TokenRow | undefined>;
  token(id: string): Promise<TokenRow | undefined>;
  tokensAt(site: string): Promise<TokenRow[]>;
  /** Revokes a token not yet revoked; false otherwise. */
  revokeToken(id: string, at: string, by: string): Promise<boolean>;

  close(): Promise<void>;
}

/** The form usernames are compared in: NFC, lower case. */
export function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

/** Sessions in the order they were created (RETURNING gives no order). */
export function byCreation(a: SessionRow, b: SessionRow): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.idHash < b.idHash ? -1 : a.idHash > b.idHash ? 1 : 0;
}
