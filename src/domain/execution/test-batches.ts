/**
 * Test fixture: PX10 batches at the stages review and release care about — created, completed without an
 * exception, and completed after an out-of-spec hardness (a deviation B-1-D1, its hold released) — built by
 * playing accepted commands (test-world.ts), with their events and the stream version they reach.
 */
import type { Versioned } from './batch-context.ts';
import type { BatchState } from './batch-state.ts';
import { people } from './test-resources.ts';
import { cmd, emptyScenario, hardness, perform, type Scenario } from './test-world.ts';

const { operator, supervisor, qa } = people;
const at = (hm: string): string => `2026-11-24T${hm}:00.000Z`;

function run(deviation: boolean): Record<'created' | 'running' | 'completed', Scenario> {
  const created = perform(emptyScenario, cmd.create(), supervisor, at('08:00'));
  let s = perform(created, cmd.start('line-clearance'), operator, at('08:05'));
  s = perform(s, cmd.record('line-clearance', 'area_clear', true), operator, at('08:06'));
  s = perform(s, cmd.complete('line-clearance'), operator, at('08:10'));
  s = perform(s, cmd.verify('line-clearance'), supervisor, at('08:12'));
  s = perform(s, cmd.start('charge'), operator, at('08:15'));
  s = perform(s, cmd.consume('L-REL', 25), operator, at('08:20'));
  s = perform(s, cmd.complete('charge'), operator, at('08:25'));
  s = perform(s, cmd.start('compress', { press: 'P-01' }), operator, at('09:30'));
  s = perform(s, cmd.record('compress', 'hardness', hardness(10)), operator, at('09:30'));
  // Hardness every 30 minutes while the press runs (a missed round would be a deviation of its own).
  if (!deviation) s = perform(s, cmd.record('compress', 'hardness', hardness(10.1)), operator, at('10:00'));
  if (deviation) {
    // A second round out of spec: deviation B-1-D1 holds the batch until QA's disposition (fixture: decided).
    s = perform(s, cmd.record('compress', 'hardness', hardness(7.2)), operator, at('10:00'));
    s = perform(s, cmd.releaseHold('H1', 'press re-adjusted; round 2 segregated'), qa, at('10:20'));
    s = perform(s, cmd.correct('compress', 'hardness', hardness(10.2), 'round 3 after re-adjustment'), operator, at('10:25'));
  }
  const running = s;
  s = perform(s, cmd.complete('compress'), operator, at('10:30'));
  s = perform(s, cmd.start('visual-inspection'), operator, at('11:30'));
  s = perform(s, cmd.record('visual-inspection', 'appearance', 'conforming'), operator, at('11:35'));
  s = perform(s, cmd.record('visual-inspection', 'container_label', 'C-0001'), operator, at('11:36'));
  s = perform(s, cmd.complete('visual-inspection'), operator, at('11:40'));
  s = perform(s, cmd.start('reconcile'), supervisor, at('11:45'));
  s = perform(s, cmd.record('reconcile', 'good_tablets', 98_000), supervisor, at('11:50'));
  s = perform(s, cmd.complete('reconcile', { meaning: 'reviewed' }, { lotId: 'PX10-T-001', quantity: 98_000, unit: 'tablets', expiry: '2028-11-30' }), supervisor, at('11:55'));
  const completed = perform(s, cmd.completeBatch(), supervisor, at('12:00'));
  return { created, running, completed };
}

export const cleanBatch = run(false);
export const deviatingBatch = run(true);

/** The batch of a scenario as the engine would read it. */
export function versioned(stage: keyof typeof cleanBatch, deviation = false): Versioned<BatchState> {
  const s = (deviation ? deviatingBatch : cleanBatch)[stage];
  return { state: s.state, version: s.events.length };
}

