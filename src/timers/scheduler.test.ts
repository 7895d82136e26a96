/**
 * The scheduler with an injected clock: it fires only what is due, marks each timer with its outcome, and a
 * timer whose firing failed is held until its lease runs out (its back-off), then fired again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTimerScheduler, type FireResult } from './scheduler.ts';
import { openSqliteTimerStore } from './sqlite/timer-store.ts';
import type { TimerRow } from './timer-store.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('the timer scheduler', () => {
  it('fires what is due, and retries a failed firing after its lease', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bes-timers-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const timers = await openSqliteTimerStore({ file: join(dir, 'openbes.db') });
    cleanups.push(() => timers.close());
    let now = new Date('2026-11-24T08:00:00.000Z');
    const fired: string[] = [];
    let failNext = true;
    const scheduler = createTimerScheduler({
      timers,
      clock: () => now,
      owner: 'p1',
      leaseMs: 60_000,
      onError: () => {},
      fire: async (timer: TimerRow): Promise<FireResult> => {
        if (timer.key === 'flaky' && failNext) {
          failNext = false;
          throw new Error('engine unavailable');
        }
        fired.push(timer.key);
        return timer.key === 'stale' ? { status: 'skipped', result: 'decided meanwhile' } : { status: 'fired', result: 'escalated' };
      },
    });
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
    await timers.sync({
      schedule: [
        { key: 'due', kind: 'k', subject: 's', dueAt: at(1), payload: null },
        { key: 'stale', kind: 'k', subject: 's', dueAt: at(2), payload: null },
        { key: 'flaky', kind: 'k', subject: 's', dueAt: at(3), payload: null },
        { key: 'later', kind: 'k', subject: 's', dueAt: at(60), payload: null },
      ],
      cancel: [],
    });
    now = new Date(at(5));
    expect(await scheduler.runDue()).toEqual({ fired: 1, skipped: 1, failed: 1 });
    expect(fired).toEqual(['due', 'stale']);
    expect((await timers.list()).map((t) => [t.key, t.status, t.result ?? t.lastError])).toEqual([
      ['due', 'fired', 'escalated'],
      ['stale', 'skipped', 'decided meanwhile'],
      ['flaky', 'pending', 'engine unavailable'],
      ['later', 'pending', undefined],
    ]);
    expect(await scheduler.runDue()).toEqual({ fired: 0, skipped: 0, failed: 0 });
    now = new Date(at(2));
    expect(await scheduler.runDue()).toEqual({ fired: 1, skipped: 0, failed: 0 });
    expect(fired).toEqual(['due', 'stale', 'flaky']);
  });
});
