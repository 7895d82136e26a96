/**
 * The timer tables, one contract for both backends on a real database: a key is scheduled once (whatever
 * happened to it since), a due timer is claimed by one holder at a time until its lease runs out, only the
 * holder finishes it, a failure gives it back, cancellation keeps what is asked, the reactor's cursor never
 * moves back — and two independent connections claiming at once never get the same timer.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable, requirePostgresInCi } from '../../src/store/postgres/test-database.ts';
import { openSqliteTimerStore } from '../../src/timers/sqlite/timer-store.ts';
import { openPostgresTimerStore } from '../../src/timers/postgres/timer-store.ts';
import type { TimerSpec, TimerStore } from '../../src/timers/timer-store.ts';
import { newPlace, type Place } from './quality-world.ts';

const pg = await postgresAvailable();
requirePostgresInCi(pg);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const T = (minutes: number) => new Date(Date.parse('2026-11-24T08:00:00.000Z') + minutes * 60_000).toISOString();
const timer = (key: string, minutes: number, subject = 'decision-D'): TimerSpec => ({ key, kind: 'decision-escalation', subject, dueAt: T(minutes), payload: { key } });

async function open(place: Place): Promise<TimerStore> {
  const store = place.backend === 'sqlite' ? await openSqliteTimerStore({ file: join(place.dir, 'openbes.db') }) : await openPostgresTimerStore({ connectionString: place.url! });
  cleanups.push(() => store.close());
  return store;
}

for (const backend of ['sqlite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !pg.ok;
  describe.skipIf(skip)(`timer tables on ${backend}${skip && !pg.ok ? ` (skipped: ${pg.reason})` : ''}`, () => {
    it('schedules a key once: scheduling it again, even after it fired, changes nothing', async () => {
      const timers = await open(await newPlace(backend, cleanups));
      await timers.sync({ schedule: [timer('a', 10)], cancel: [] });
      await timers.sync({ schedule: [timer('a', 99)], cancel: [] });
      expect(await timers.list()).toMatchObject([{ key: 'a', dueAt: T(10), status: 'pending', attempts: 0, payload: { key: 'a' } }]);
      const [claimed] = await timers.claimDue(T(10), 'p1', 60_000, 10);
      expect(await timers.finish(claimed!.key, 'p1', 'fired', T(11), 'escalated')).toBe(true);
      await timers.sync({ schedule: [timer('a', 10)], cancel: [] });
      expect(await timers.list()).toMatchObject([{ key: 'a', status: 'fired', firedAt: T(11), result: 'escalated' }]);
      expect(await timers.claimDue(T(100), 'p1', 60_000, 10)).toEqual([]);
    });

    it('gives a due timer to one holder until its lease runs out; only the holder finishes it', async () => {
      const timers = await open(await newPlace(backend, cleanups));
      await timers.sync({ schedule: [timer('early', 5), timer('late', 50)], cancel: [] });
      expect(await timers.claimDue(T(4), 'p1', 60_000, 10)).toEqual([]);
      expect((await timers.claimDue(T(10), 'p1', 60_000, 10)).map((t) => t.key)).toEqual(['early']);
      expect(await timers.claimDue(T(10.5), 'p2', 60_000, 10)).toEqual([]);
      // p1 stalls (a crash): after the lease another process takes it.
      const retaken = await timers.claimDue(T(11.5), 'p2', 60_000, 10);
      expect(retaken).toMatchObject([{ key: 'early', claimedBy: 'p2', attempts: 2 }]);
      expect(await timers.finish('early', 'p1', 'fired', T(12), 'late answer')).toBe(false);
      expect(await timers.finish('early', 'p2', 'fired', T(12), 'escalated')).toBe(true);
      expect((await timers.list()).map((t) => [t.key, t.status])).toEqual([
        ['early', 'fired'],
        ['late', 'pending'],
      ]);
    });

    it('a failure gives the claim back to be tried again', async () => {
      const timers = await open(await newPlace(backend, cleanups));
      await timers.sync({ schedule: [timer('a', 1)], cancel: [] });
      await timers.claimDue(T(2), 'p1', 60_000, 10);
      await timers.fail('a', 'p1', 'database went away');
      expect(await timers.claimDue(T(2), 'p2', 60_000, 10)).toMatchObject([{ key: 'a', claimedBy: 'p2', attempts: 2, lastError: 'database went away' }]);
    });

    it('cancels the pending timers of a subject except those kept', async () => {
      const timers = await open(await newPlace(backend, cleanups));
      await timers.sync({ schedule: [timer('d1:1', 1, 'decision-D1'), timer('d1:2', 2, 'decision-D1'), timer('d2:1', 1, 'decision-D2')], cancel: [] });
      await timers.sync({ schedule: [], cancel: [{ subject: 'decision-D1', keep: ['d1:2'] }] });
      expect((await timers.list()).map((t) => [t.key, t.status])).toEqual([
        ['d1:1', 'cancelled'],
        ['d2:1', 'pending'],
        ['d1:2', 'pending'],
      ]);
      await timers.sync({ schedule: [], cancel: [{ subject: 'decision-D1', keep: [] }] });
      expect((await timers.list('decision-D1')).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    });

    it("keeps the reactor's cursor, which never moves back", async () => {
      const timers = await open(await newPlace(backend, cleanups));
      expect(await timers.cursor('quality-reactor')).toBe(0);
      await timers.sync({ schedule: [], cancel: [], cursor: { name: 'quality-reactor', position: 40 } });
      await timers.sync({ schedule: [], cancel: [], cursor: { name: 'quality-reactor', position: 12 } });
      expect(await timers.cursor('quality-reactor')).toBe(40);
    });

    it('two independent connections claiming at once never get the same timer', async () => {
      const place = await newPlace(backend, cleanups);
      const a = await open(place);
      const b = await open(place);
      await a.sync({ schedule: Array.from({ length: 60 }, (_, i) => timer(`t${String(i).padStart(2, '0')}`, i % 7)), cancel: [] });
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) => ((i % 2 ? a : b) as TimerStore).claimDue(T(10), i % 2 ? 'a' : 'b', 60_000, 7)),
      );
      const keys = claims.flat().map((t) => t.key);
      expect(keys.length).toBe(60);
      expect(new Set(keys).size).toBe(60);
    });
  });
}
