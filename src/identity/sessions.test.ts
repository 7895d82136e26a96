/** The sweep ends sessions nobody comes back to, and audits each end. */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine.ts';
import { createIdentity } from './identity.ts';
import { startSession, sweepSessions } from './sessions.ts';
import { DEFAULT_IDENTITY_SETTINGS } from './settings.ts';
import { openTestDatabases, type TestDatabases } from './store/contract/test-databases.ts';

let dbs: TestDatabases | undefined;
afterEach(async () => {
  await dbs?.dispose();
  dbs = undefined;
});

describe('sweeping sessions', () => {
  it('ends idle and outlived sessions with SessionEnded, leaves live ones', async () => {
    let now = new Date('2026-11-24T08:00:00.000Z');
    const clock = () => now;
    dbs = await openTestDatabases('sqlite', clock);
    const identity = createIdentity({ store: dbs.identity, engine: createEngine({ store: dbs.events, clock }), now: clock, settings: { ...DEFAULT_IDENTITY_SETTINGS, idleTimeoutBySite: { KIOSK: 60_000 } } });
    for (const [id, username] of [['u-1', 'one'], ['u-2', 'two']]) await identity.store.reserveUsername({ personId: id!, username: username!, accountKind: 'personal', createdAt: now.toISOString() });
    await startSession(identity, 'u-1', 'S1');
    const kiosk = await startSession(identity, 'u-2', 'KIOSK');
    now = new Date(now.getTime() + 2 * 60_000);
    expect(await sweepSessions(identity)).toBe(1);
    expect(await identity.store.session(kiosk.row.idHash)).toBeUndefined();
    now = new Date(now.getTime() + 20 * 60_000);
    expect(await sweepSessions(identity)).toBe(1);
    expect(await identity.store.allSessions()).toEqual([]);
    const ended = (await dbs.events.readStream('security')).map((e) => [e.type, (e.data as { personId: string; reason: string }).personId, (e.data as { reason: string }).reason, e.actor]);
    expect(ended).toEqual([
      ['SessionEnded', 'u-2', 'idle', 'system:identity'],
      ['SessionEnded', 'u-1', 'idle', 'system:identity'],
    ]);
  });
});
