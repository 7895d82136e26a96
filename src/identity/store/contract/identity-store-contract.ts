/**
 * The one contract both identity stores pass, on a real database shared with a real event store:
 * usernames unique ignoring case and never reused, compare-and-set of the failure counters, sessions that
 * rotate and end, tokens that are revoked once. None of it ever reaches the ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../../store/ledger-store.ts';
import type { IdentityStore, SessionRow, TokenRow } from '../identity-store.ts';

export interface OpenedIdentityStore {
  readonly store: IdentityStore;
  /** The event store on the same database. */
  readonly events: LedgerStore;
  dispose(): Promise<void>;
}

export interface IdentityStoreFixture {
  readonly name: string;
  readonly skipReason?: string;
  open(): Promise<OpenedIdentityStore>;
  /** Opens a second identity store on the same database (another node, or a restart). */
  reopen(opened: OpenedIdentityStore): Promise<IdentityStore>;
}

const T0 = '2026-11-24T08:00:00.000Z';
const T1 = '2026-11-24T08:05:00.000Z';
const reservation = (personId: string, username: string, accountKind: 'personal' | 'generic' = 'personal') => ({ personId, username, accountKind, createdAt: T0 });
const sessionRow = (idHash: string, personId = 'u-1', createdAt = T0): SessionRow => ({
  idHash,
  personId,
  site: 'S1',
  csrfToken: `csrf-${idHash}`,
  createdAt,
  lastSeenAt: createdAt,
  expiresAt: '2026-11-24T20:00:00.000Z',
});
const tokenRow = (id: string, site = 'S1'): TokenRow => ({
  id,
  tokenHash: `hash-${id}`,
  personId: 'u-1',
  site,
  role: 'engineer',
  label: 'ERP connector',
  createdAt: T0,
  createdBy: 'u-admin',
  expiresAt: null,
  revokedAt: null,
  revokedBy: null,
});

export function identityStoreContract(fixture: IdentityStoreFixture): void {
  const suite = fixture.skipReason === undefined ? describe : describe.skip;
  suite(`identity store contract: ${fixture.name}${fixture.skipReason ? ` (skipped: ${fixture.skipReason})` : ''}`, () => {
    let opened: OpenedIdentityStore | undefined;
    const open = async () => {
      opened = await fixture.open();
      return opened;
    };
    afterEach(async () => {
      await opened?.dispose();
      opened = undefined;
    });

    it('reserves a username once, ignoring case and Unicode form, and keeps it from everyone else', async () => {
      const { store } = await open();
      expect(await store.reserveUsername(reservation('u-1', 'JDoe'))).toBe('reserved');
      expect(await store.reserveUsername(reservation('u-1', 'JDoe'))).toBe('already_reserved');
      expect(await store.reserveUsername(reservation('u-2', 'jdoe'))).toBe('username_taken');
      expect(await store.reserveUsername(reservation('u-1', 'jane'))).toBe('person_has_username');
      // "é" precomposed and as e + combining accent are one username.
      expect(await store.reserveUsername(reservation('u-3', 'andr\u00e9'))).toBe('reserved');
      expect(await store.reserveUsername(reservation('u-4', 'andre\u0301'))).toBe('username_taken');
      const c = await store.credentialByUsername('JDOE');
      expect(c).toMatchObject({ personId: 'u-1', username: 'JDoe', passwordHash: null, accountKind: 'personal', failedCount: 0, lockedUntil: null, mustChangePassword: false });
      expect(await store.credentialOf('u-1')).toEqual(c);
      expect(await store.credentialByUsername('nobody')).toBeUndefined();
    });

    it('frees a reservation only while no password was ever set: a used username is never given again', async () => {
      const { store } = await open();
      await store.reserveUsername(reservation('u-1', 'jdoe'));
      await store.releaseUsername('u-1');
      expect(await store.reserveUsername(reservation('u-2', 'jdoe'))).toBe('reserved');
      expect(await store.setPassword('u-2', '$argon2id$x', T1, false)).toBe(true);
      await store.releaseUsername('u-2');
      expect(await store.reserveUsername(reservation('u-3', 'jdoe'))).toBe('username_taken');
    });

    it('sets a password, clearing the failure counters', async () => {
      const { store } = await open();
      expect(await store.setPassword('u-1', '$argon2id$x', T1, true)).toBe(false);
      await store.reserveUsername(reservation('u-1', 'jdoe', 'generic'));
      const before = (await store.credentialOf('u-1'))!;
      expect(await store.updateCounters('u-1', before.version, { failedCount: 3, lockedUntil: T1, lastFailureAt: T0 })).toBe(true);
      expect(await store.setPassword('u-1', '$argon2id$x', T1, true)).toBe(true);
      expect(await store.credentialOf('u-1')).toMatchObject({
        passwordHash: '$argon2id$x',
        passwordChangedAt: T1,
        mustChangePassword: true,
        accountKind: 'generic',
        failedCount: 0,
        lockedUntil: null,
        lastFailureAt: null,
      });
    });

    it('writes the counters only at the version they were read at (two attempts cannot both count from the same number)', async () => {
      const { store } = await open();
      await store.reserveUsername(reservation('u-1', 'jdoe'));
      const read = (await store.credentialOf('u-1'))!;
      const first = { failedCount: read.failedCount + 1, lockedUntil: null, lastFailureAt: T0 };
      const [a, b] = await Promise.all([store.updateCounters('u-1', read.version, first), store.updateCounters('u-1', read.version, first)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const after = (await store.credentialOf('u-1'))!;
      expect(after).toMatchObject({ failedCount: 1, lastFailureAt: T0, version: read.version + 1 });
      expect(await store.updateCounters('u-1', read.version, { failedCount: 9, lockedUntil: null, lastFailureAt: T1 })).toBe(false);
      expect(await store.updateCounters('u-1', after.version, { failedCount: 2, lockedUntil: T1, lastFailureAt: T1 })).toBe(true);
      expect(await store.credentialOf('u-1')).toMatchObject({ failedCount: 2, lockedUntil: T1 });
    });

    it('keeps sessions by the hash of their id; touches, rotates and ends them', async () => {
      const { store } = await open();
      await store.reserveUsername(reservation('u-1', 'jdoe'));
      await store.reserveUsername(reservation('u-2', 'jane'));
      await store.createSession(sessionRow('a'));
      await store.createSession(sessionRow('b', 'u-1', T1));
      await store.createSession(sessionRow('c', 'u-2'));
      expect(await store.session('a')).toEqual(sessionRow('a'));
      await store.touchSession('a', T1);
      expect((await store.session('a'))?.lastSeenAt).toBe(T1);

      expect(await store.rotateSession('a', 'a2', '2026-11-24T08:06:00.000Z')).toBe(true);
      expect(await store.session('a')).toBeUndefined();
      expect(await store.session('a2')).toEqual({ ...sessionRow('a'), idHash: 'a2', lastSeenAt: '2026-11-24T08:06:00.000Z' });
      expect(await store.rotateSession('a', 'a3', T1)).toBe(false);

      expect((await store.sessionsOf('u-1')).map((s) => s.idHash)).toEqual(['a2', 'b']);
      expect((await store.allSessions()).map((s) => s.idHash)).toEqual(['a2', 'c', 'b']);
      expect(await store.deleteSession('c')).toEqual(sessionRow('c', 'u-2'));
      expect(await store.deleteSession('c')).toBeUndefined();
      expect((await store.deleteSessionsOf('u-1', 'b')).map((s) => s.idHash)).toEqual(['a2']);
      expect((await store.deleteSessionsOf('u-1')).map((s) => s.idHash)).toEqual(['b']);
      expect(await store.allSessions()).toEqual([]);
    });

    it('keeps API tokens by hash, lists them by site, and revokes each once', async () => {
      const { store } = await open();
      await store.reserveUsername(reservation('u-1', 'jdoe'));
      await store.createToken(tokenRow('t1'));
      await store.createToken(tokenRow('t2', 'S2'));
      expect(await store.tokenByHash('hash-t1')).toEqual(tokenRow('t1'));
      expect(await store.token('t2')).toEqual(tokenRow('t2', 'S2'));
      expect(await store.tokenByHash('hash-none')).toBeUndefined();
      expect((await store.tokensAt('S1')).map((t) => t.id)).toEqual(['t1']);
      expect(await store.revokeToken('t1', T1, 'u-admin')).toBe(true);
      expect(await store.revokeToken('t1', T1, 'u-admin')).toBe(false);
      expect(await store.token('t1')).toMatchObject({ revokedAt: T1, revokedBy: 'u-admin' });
      await expect(store.createToken({ ...tokenRow('t3'), tokenHash: 'hash-t2' })).rejects.toThrow();
    });

    it('shares the database with the event store without touching the ledger, and survives a reopen', async () => {
      const current = await open();
      const { store, events } = current;
      await events.append({ streamId: 'person-u-1', events: [{ type: 'PersonRegistered', data: { personId: 'u-1' } }], expectedVersion: 'no_stream', actor: 'u-admin' });
      await store.reserveUsername(reservation('u-1', 'jdoe'));
      await store.setPassword('u-1', '$argon2id$x', T1, false);
      await store.createSession(sessionRow('s'));
      expect((await events.head()).size).toBe(1);
      const again = await fixture.reopen(current);
      try {
        expect((await again.credentialOf('u-1'))?.passwordHash).toBe('$argon2id$x');
        expect(await again.session('s')).toEqual(sessionRow('s'));
      } finally {
        await again.close();
      }
    });
  });
}
