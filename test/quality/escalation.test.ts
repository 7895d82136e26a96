/**
 * Durable escalation through the engine and the real store, with a clock the test moves: a late decision
 * escalates once when it is due (and never again), also when the server restarted in between; and with two
 * server processes on one PostgreSQL database — separate pools, stores, engines and schedulers racing —
 * every escalation is recorded exactly once, even when both fire the same timer at the same moment.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DecisionState } from '../../src/domain/decisions/decision-state.ts';
import { setUpStaff, actorOf } from '../../src/demo/plant.ts';
import { executeDeviationCommand } from '../../src/engine/quality-deviations.ts';
import { executeDecisionCommand } from '../../src/engine/quality-decisions.ts';
import { qualityTimerFiring } from '../../src/engine/quality-timers.ts';
import { postgresAvailable, requirePostgresInCi } from '../../src/store/postgres/test-database.ts';
import type { RecordedEvent } from '../../src/store/event-store.ts';
import { addQualityStaff, clockAt, newPlace, ok, openWorld, SITE, type Clock, type World } from './quality-world.ts';

const pg = await postgresAvailable();
requirePostgresInCi(pg);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const HOUR = 3_600_000;

async function raise(world: World, id: string, severity: 'major' | 'critical' = 'major'): Promise<void> {
  const sam = await actorOf(world.engine, 'sam', SITE);
  ok(await executeDeviationCommand(world.engine, id, { type: 'RaiseDeviation', data: { deviationId: id, site: SITE, severity, category: 'equipment', description: `Press P-01 vibrates (${id})` } }, sam), `raising ${id}`);
}

async function ledger(world: World): Promise<RecordedEvent[]> {
  return world.store.readAll({ after: 0, limit: 10_000 });
}

const escalations = async (world: World) => (await ledger(world)).filter((e) => e.type === 'DecisionEscalated');

async function newWorld(backend: 'sqlite' | 'postgres', clock: Clock): Promise<{ world: World; place: Awaited<ReturnType<typeof newPlace>> }> {
  const place = await newPlace(backend, cleanups);
  const world = await openWorld(place, clock);
  await setUpStaff(world.engine, SITE);
  await addQualityStaff(world.engine, SITE);
  return { world, place };
}

for (const backend of ['sqlite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !pg.ok;
  describe.skipIf(skip)(`escalation on ${backend}${skip && !pg.ok ? ` (skipped: ${pg.reason})` : ''}`, () => {
    it('a late triage escalates once, when due, to the next role; never twice', { timeout: 60_000 }, async () => {
      const clock = clockAt('2026-11-24T08:00:00.000Z');
      const { world } = await newWorld(backend, clock);
      await raise(world, 'DEV-1');
      await world.runtime.tick();
      const routed = (await world.engine.load<DecisionState>('decision', 'triage-DEV-1')).state;
      expect(routed).toMatchObject({ status: 'open', role: 'qa', rule: 'sites.PLANT-A.deviation_triage[1]', level: 0 });
      expect(routed.conflicts).toEqual([{ personId: 'sam', code: 'self_approval', reason: 'raised this deviation' }]);
      expect(await world.timers.list('decision-triage-DEV-1')).toMatchObject([{ key: 'decision:triage-DEV-1:escalate:1', status: 'pending', dueAt: routed.escalations[0]!.at }]);

      clock.advance(23 * HOUR);
      expect((await world.runtime.tick()).timers).toEqual({ fired: 0, skipped: 0, failed: 0 });
      clock.advance(2 * HOUR);
      expect((await world.runtime.tick()).timers).toEqual({ fired: 1, skipped: 0, failed: 0 });
      clock.advance(48 * HOUR);
      expect((await world.runtime.tick()).timers).toEqual({ fired: 0, skipped: 0, failed: 0 });

      const escalated = await escalations(world);
      expect(escalated).toHaveLength(1);
      expect(escalated[0]).toMatchObject({ streamId: 'decision-triage-DEV-1', actor: 'system:timers', data: { level: 1, from: 'qa', role: 'qa-lead' } });
      expect((await world.engine.load<DecisionState>('decision', 'triage-DEV-1')).state).toMatchObject({ level: 1, role: 'qa-lead', roles: ['qa', 'qa-lead'] });
      expect(await world.timers.list('decision-triage-DEV-1')).toMatchObject([{ status: 'fired', result: 'escalated to level 1' }]);
      await world.close();
    });

    it('a decision signed in time never escalates: its timer is cancelled', { timeout: 60_000 }, async () => {
      const clock = clockAt('2026-11-24T08:00:00.000Z');
      const { world } = await newWorld(backend, clock);
      await raise(world, 'DEV-2');
      await world.runtime.tick();
      const quinn = await actorOf(world.engine, 'quinn', SITE);
      const data = { severity: 'minor', category: 'equipment', impact: 'no product affected', investigator: 'max' };
      ok(await executeDecisionCommand(world.engine, 'triage-DEV-2', { type: 'SignDecision', data: { outcome: 'triaged', signature: { meaning: 'reviewed' }, data } }, quinn), 'triage');
      await world.runtime.tick();
      clock.advance(30 * HOUR);
      await world.runtime.tick();
      expect((await escalations(world)).filter((e) => e.streamId === 'decision-triage-DEV-2')).toEqual([]);
      expect(await world.timers.list('decision-triage-DEV-2')).toMatchObject([{ status: 'cancelled' }]);
      // The triage routed the disposition (minor: a supervisor, 8 h, then QA), which was not signed and escalated.
      expect((await escalations(world)).map((e) => e.streamId)).toEqual(['decision-disposition-DEV-2']);
      await world.close();
    });
  });
}

describe('escalation after a restart (SQLite)', () => {
  it('fires when the server comes back after the due time, once', { timeout: 60_000 }, async () => {
    const clock = clockAt('2026-11-24T08:00:00.000Z');
    const { world, place } = await newWorld('sqlite', clock);
    await raise(world, 'DEV-3', 'critical');
    await world.runtime.tick();
    expect((await world.engine.load<DecisionState>('decision', 'triage-DEV-3')).state).toMatchObject({ role: 'qa-lead', notify: ['leader'], dueAt: '2026-11-24T10:00:00.000Z' });
    await world.close();

    // Down for three hours; the escalation came due meanwhile.
    clock.advance(3 * HOUR);
    const restarted = await openWorld(place, clock);
    expect((await restarted.runtime.tick()).timers.fired).toBe(1);
    await restarted.close();
    const again = await openWorld(place, clock);
    expect((await again.runtime.tick()).timers.fired).toBe(0);
    expect(await escalations(again)).toMatchObject([{ data: { level: 1, role: 'leader' } }]);
    await again.close();
  });
});

describe.skipIf(!pg.ok)(`two server processes on one PostgreSQL database${pg.ok ? '' : ` (skipped: ${pg.reason})`}`, () => {
  it('escalate each late decision exactly once', { timeout: 120_000 }, async () => {
    const clock = clockAt('2026-11-24T08:00:00.000Z');
    const { world: a, place } = await newWorld('postgres', clock);
    const b = await openWorld(place, clock, { owner: 'process-b' });
    cleanups.push(() => b.close(), () => a.close());
    const ids = Array.from({ length: 12 }, (_, i) => `DEV-${100 + i}`);
    for (const [i, id] of ids.entries()) await raise(i % 2 ? a : b, id);
    // Both reactors read the same events and race to route: each decision is routed once.
    await Promise.all([a.runtime.tick(), b.runtime.tick()]);
    await Promise.all([a.runtime.tick(), b.runtime.tick()]);
    expect((await ledger(a)).filter((e) => e.type === 'DecisionRouted')).toHaveLength(ids.length);

    clock.advance(25 * HOUR);
    const passes = await Promise.all([a.runtime.tick(), b.runtime.tick(), a.runtime.tick(), b.runtime.tick()]);
    expect(passes.reduce((n, p) => n + p.timers.fired, 0)).toBe(ids.length);
    const escalated = await escalations(a);
    expect(escalated.map((e) => e.streamId).sort()).toEqual(ids.map((id) => `decision-triage-${id}`).sort());
  });

  it('record an escalation once when both fire the same timer at the same moment, or one takes over a stalled claim', { timeout: 120_000 }, async () => {
    const clock = clockAt('2026-11-24T08:00:00.000Z');
    const { world: a, place } = await newWorld('postgres', clock);
    const b = await openWorld(place, clock, { owner: 'process-b', leaseMs: 1_000 });
    cleanups.push(() => b.close(), () => a.close());
    await raise(a, 'DEV-200');
    await raise(a, 'DEV-201');
    await a.runtime.tick();
    clock.advance(25 * HOUR);

    // Both processes fire DEV-200's timer at once (as two schedulers would after a lease lost to a pause).
    const [timer200] = await a.timers.list('decision-triage-DEV-200');
    const results = await Promise.all([qualityTimerFiring(a.engine)(timer200!), qualityTimerFiring(b.engine)(timer200!)]);
    expect(results.filter((r) => r.status === 'fired').length).toBeGreaterThanOrEqual(1);

    // A claims DEV-201's timer and stalls; after the lease B takes it over and fires it.
    const stalled = await a.timers.claimDue(clock.now.toISOString(), 'process-a-stalled', 1_000, 10);
    expect(stalled.map((t) => t.key)).toContain('decision:triage-DEV-201:escalate:1');
    expect((await b.runtime.tick()).timers.fired).toBe(0);
    clock.advance(2_000);
    await b.runtime.tick();
    // The stalled process wakes up and fires what it had claimed: nothing more is recorded.
    await qualityTimerFiring(a.engine)(stalled.find((t) => t.key === 'decision:triage-DEV-201:escalate:1')!);
    expect(await a.timers.finish('decision:triage-DEV-201:escalate:1', 'process-a-stalled', 'fired', clock.now.toISOString(), 'late')).toBe(false);

    const escalated = await escalations(a);
    expect(escalated.map((e) => e.streamId).sort()).toEqual(['decision-triage-DEV-200', 'decision-triage-DEV-201']);
  });
});
