/** What blocks a step: the refusals execution would give a trained performer, holds first. */
import { describe, expect, it } from 'vitest';
import type { BatchState } from '../../domain/execution/batch-state.ts';
import { people } from '../../domain/execution/test-resources.ts';
import { cmd, emptyScenario, hardness, perform } from '../../domain/execution/test-world.ts';
import { stepBlockers } from './step-blockers.ts';

const at = (hm: string): string => `2026-11-24T${hm}:00.000Z`;
const { operator, supervisor } = people;

const codes = (state: BatchState, stepId: string, now: string) => {
  const step = state.definition!.steps.find((s) => s.id === stepId)!;
  return stepBlockers(state, step, now).map((r) => r.code);
};

const created = perform(emptyScenario, cmd.create(), supervisor, at('08:00'));
const lcStarted = perform(created, cmd.start('line-clearance'), operator, at('08:05'));
const lcVerified = perform(
  perform(perform(lcStarted, cmd.record('line-clearance', 'area_clear', true), operator, at('08:06')), cmd.complete('line-clearance'), operator, at('08:10')),
  cmd.verify('line-clearance'),
  supervisor,
  at('08:12'),
);
const chargeDone = perform(perform(perform(lcVerified, cmd.start('charge'), operator, at('08:15')), cmd.consume('L-REL', 25), operator, at('08:20')), cmd.complete('charge'), operator, at('08:25'));
const compressDone = perform(
  perform(perform(chargeDone, cmd.start('compress', { press: 'P-01' }), operator, at('09:00')), cmd.record('compress', 'hardness', hardness(10)), operator, at('09:30')),
  cmd.complete('compress'),
  operator,
  at('10:00'),
);

describe('what blocks a step', () => {
  it('names the open predecessors of a pending step, and nothing for the first one', () => {
    expect(codes(created.state, 'line-clearance', at('08:01'))).toEqual([]);
    expect(codes(created.state, 'charge', at('08:01'))).toEqual(['sequence_violation']);
  });

  it('names a hold first, and what lies behind it too', () => {
    const held = perform(created, cmd.hold('suspected mix-up'), supervisor, at('08:02'));
    expect(codes(held.state, 'line-clearance', at('08:03'))).toEqual(['batch_on_hold']);
    expect(codes(held.state, 'charge', at('08:03'))).toEqual(['batch_on_hold', 'sequence_violation']);
  });

  it('names the values still to record in a step that runs', () => {
    const [blocker] = stepBlockers(lcStarted.state, lcStarted.state.definition!.steps[0]!, at('08:06'));
    expect(blocker).toMatchObject({ code: 'required_value_missing', details: { missing: ['area_clear'] } });
  });

  it('names a hold-time limit that has passed and a minimum wait that has not', () => {
    expect(codes(chargeDone.state, 'compress', at('09:00'))).toEqual([]);
    expect(codes(chargeDone.state, 'compress', at('12:26'))).toEqual(['hold_time_exceeded']);
    expect(codes(compressDone.state, 'visual-inspection', at('10:30'))).toEqual(['wait_not_elapsed']);
    expect(codes(compressDone.state, 'visual-inspection', at('11:00'))).toEqual([]);
  });

  it('names nothing for a step that is done or skipped', () => {
    expect(codes(compressDone.state, 'line-clearance', at('10:30'))).toEqual([]);
    expect(codes(compressDone.state, 'extra-test', at('10:30'))).toEqual([]);
  });
});
