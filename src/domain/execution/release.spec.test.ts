/**
 * QA's decision on a batch and the review that precedes it, given / when / then on PX10-COMPRESSION v2:
 * release only of a complete batch whose deviations are all closed, never by someone who performed a step of
 * it, signed "released"; rejection at any time before release, after which nothing more is done; the hold a
 * deviation placed stays until its disposition; and the review shows only what needs a reviewer's eyes.
 */
import { describe, expect, it } from 'vitest';
import type { PersonState } from '../resources/person-state.ts';
import type { BatchCommand } from './batch-commands.ts';
import { decideBatch } from './batch-decider.ts';
import { reviewBatch } from './batch-review.ts';
import { evolveBatch } from './batch-state.ts';
import { people } from './test-resources.ts';
import { cleanBatch, deviatingBatch } from './test-batches.ts';
import { cmd, contextFor, deviationsOf, hardness, perform, type DeviationMode, type Scenario } from './test-world.ts';

const { operator, supervisor, qa } = people;
const at = (hm: string): string => `2026-11-24T${hm}:00.000Z`;
const release = (meaning: 'released' | 'approved' = 'released'): BatchCommand => ({ type: 'ReleaseBatch', data: { signature: { meaning, recordHash: 'h-record' } } });
const reject = (reason = 'hardness trend; batch not fit for release'): BatchCommand => ({ type: 'RejectBatch', data: { reason, signature: { meaning: 'reviewed' } } });
/** An operator who is also QA at S1: they performed steps of the batch. */
const operatorQa: PersonState = { ...operator, roles: { S1: ['operator', 'qa'] } };

function decide(s: Scenario, command: BatchCommand, who: PersonState, now: string, deviations: DeviationMode = 'closed') {
  return decideBatch(s.state, command, contextFor(who, now, s.world, { deviations }));
}

function refusedWith(s: Scenario, command: BatchCommand, who: PersonState, deviations: DeviationMode = 'closed') {
  const decision = decide(s, command, who, at('13:00'), deviations);
  if (decision.ok) throw new Error(`expected a refusal, got ${decision.events.map((e) => e.type).join(', ')}`);
  return decision.refusal;
}

describe('releasing a batch', () => {
  it('QA who performed no step releases a complete batch without deviations, signed "released"', () => {
    expect(decide(cleanBatch.completed, release(), qa, at('13:00'))).toEqual({
      ok: true,
      events: [{ type: 'BatchReleased', data: { by: qa.id, name: qa.name, at: at('13:00'), signature: { meaning: 'released', by: qa.id, name: qa.name, at: at('13:00'), recordHash: 'h-record' } } }],
      also: [],
    });
  });

  it('is refused while a deviation of the batch is not closed (open_deviations), and allowed once it is', () => {
    const r = refusedWith(deviatingBatch.completed, release(), qa, 'dispositioned');
    expect(r).toMatchObject({ code: 'open_deviations', details: { deviations: ['B-1-D1'] } });
    expect(r.message).toBe('Batch B-1 cannot be released while deviation B-1-D1 (dispositioned) is not closed.');
    expect(refusedWith(deviatingBatch.completed, release(), qa, 'open').code).toBe('open_deviations');
    expect(decide(deviatingBatch.completed, release(), qa, at('13:00'), 'closed').ok).toBe(true);
  });

  it('is refused while a step is not done (batch_incomplete)', () => {
    const r = refusedWith(cleanBatch.running, release(), qa);
    expect(r.code).toBe('batch_incomplete');
    expect(r.message).toBe('Batch B-1 cannot be released: "Compress tablets", "Extra friability test", "Visual inspection", "Reconcile yield" are not done.');
  });

  it('is refused to a QA person who performed a step of it (releaser_performed_step)', () => {
    const r = refusedWith(cleanBatch.completed, release(), operatorQa);
    expect(r).toMatchObject({ code: 'releaser_performed_step', details: { steps: ['line-clearance', 'charge', 'compress', 'visual-inspection'] } });
  });

  it.each([
    ['role_not_permitted', () => refusedWith(cleanBatch.completed, release(), supervisor)],
    ['signature_required', () => refusedWith(cleanBatch.completed, release('approved'), qa)],
    ['batch_not_active', () => refusedWith(perform(cleanBatch.completed, release(), qa, at('13:00')), release(), qa)],
    ['batch_not_found', () => refusedWith({ ...cleanBatch.created, state: { ...cleanBatch.created.state, created: false } }, release(), qa)],
  ])('is refused with %s', (code, refusal) => {
    expect(refusal().code).toBe(code);
  });
});

describe('rejecting a batch', () => {
  it('QA rejects a running batch with a reason; nothing more is done on it', () => {
    const decision = decide(cleanBatch.running, reject(), qa, at('10:40'));
    expect(decision).toMatchObject({ ok: true, events: [{ type: 'BatchRejected', data: { reason: 'hardness trend; batch not fit for release', signature: { meaning: 'reviewed' } } }] });
    const rejected = perform(cleanBatch.running, reject(), qa, at('10:40'));
    expect(rejected.state.release).toMatchObject({ outcome: 'rejected', by: qa.id });
    expect(refusedWith(rejected, cmd.record('compress', 'hardness', hardness(10)), operator).code).toBe('batch_not_active');
    expect(refusedWith(rejected, release(), qa).code).toBe('batch_not_active');
  });

  it.each([
    ['invalid_value', reject(''), qa],
    ['role_not_permitted', reject(), supervisor],
    ['signature_required', { type: 'RejectBatch', data: { reason: 'not fit' } } as BatchCommand, qa],
  ] as const)('is refused with %s', (code, command, who) => {
    expect(refusedWith(cleanBatch.running, command, who).code).toBe(code);
  });
});

describe("a deviation's hold", () => {
  const held = perform(cleanBatch.running, cmd.record('compress', 'hardness', hardness(7.2)), operator, at('10:00'));

  it('stays until the deviation has its disposition (deviation_not_dispositioned)', () => {
    const holdId = held.state.holds[0]!.id;
    const r = refusedWith(held, cmd.releaseHold(holdId, 'press adjusted'), qa, 'open');
    expect(r).toMatchObject({ code: 'deviation_not_dispositioned', details: { deviationId: held.state.holds[0]!.deviationId, status: 'open' } });
    expect(decide(held, cmd.releaseHold(holdId, 'press adjusted'), qa, at('11:00'), 'dispositioned').ok).toBe(true);
  });
});

describe('a deviation a person reports against the batch', () => {
  const note = (hold: 'none' | 'step' | 'batch', deviationId = 'DEV-1'): BatchCommand => ({ type: 'NoteDeviation', data: { deviationId, stepId: 'compress', severity: 'minor', description: 'Label smudged', hold } });

  it('goes on the record and counts for release', () => {
    const noted = perform(cleanBatch.completed, note('none'), supervisor, at('12:10'));
    expect(noted.state.deviations).toEqual(['DEV-1']);
    expect(refusedWith(noted, release(), qa, 'dispositioned')).toMatchObject({ code: 'open_deviations', details: { deviations: ['DEV-1'] } });
  });

  it('cannot hold a batch that is complete, nor be noted twice', () => {
    expect(refusedWith(cleanBatch.completed, note('batch'), supervisor).code).toBe('invalid_value');
    expect(refusedWith(perform(cleanBatch.completed, note('none'), supervisor, at('12:10')), note('none'), supervisor).code).toBe('deviation_exists');
  });
});

describe('review by exception', () => {
  it('of a batch without exceptions shows only its signatures, and that it is ready for release', () => {
    const review = reviewBatch(cleanBatch.completed.state, cleanBatch.completed.events, deviationsOf(cleanBatch.completed.world, 'closed'), []);
    expect(review.items).toEqual([]);
    expect(review.summary).toMatchObject({ steps: 6, stepsDone: 6, exceptions: 0, deviations: 0, corrections: 0, refusedAttempts: 0, delays: 0 });
    expect(review.signatures.map((s) => `${s.act} ${s.stepId} ${s.meaning} ${s.by}`)).toEqual(['verified line-clearance verified u-sam', 'completed reconcile reviewed u-sam']);
    expect(review).toMatchObject({ readyForRelease: true, blockers: [] });
  });

  it('of a batch with a deviation shows the exception, the hold, the correction, the deviation and its state, and the refused attempts', () => {
    const s = deviatingBatch.completed;
    const refused = [{ command: 'CompleteStep', code: 'batch_on_hold', message: 'Batch B-1 is on hold', by: operator.id, at: at('10:05'), stepId: 'compress' }];
    const review = reviewBatch(s.state, s.events, deviationsOf(s.world, 'dispositioned'), refused);
    expect(review.items.map((i) => `${i.kind}${i.open ? ' (open)' : ''}`)).toEqual(['exception', 'hold', 'hold', 'correction', 'deviation (open)', 'refused_attempt']);
    expect(review.items.find((i) => i.kind === 'deviation')?.message).toMatch(/^major deviation B-1-D1 is dispositioned \(disposition: continue\)/);
    expect(review.summary).toMatchObject({ exceptions: 1, deviations: 1, openDeviations: 1, corrections: 1, refusedAttempts: 1, holds: 1 });
    expect(review.readyForRelease).toBe(false);
    expect(review.blockers.map((b) => b.code)).toEqual(['open_deviations']);
    expect(reviewBatch(s.state, s.events, deviationsOf(s.world, 'closed'), refused).readyForRelease).toBe(true);
  });

  it('shows a step that ran past its standard time, and a hold-time breach that was refused', () => {
    let s = perform(cleanBatch.created, cmd.start('line-clearance'), operator, at('08:05'));
    s = perform(s, cmd.record('line-clearance', 'area_clear', true), operator, at('08:06'));
    s = perform(s, cmd.complete('line-clearance'), operator, at('08:35'));
    const breach = { command: 'StartStep', code: 'hold_time_exceeded', message: '"Compress tablets" had to start within 4 h', by: operator.id, at: at('13:00'), stepId: 'compress' };
    const review = reviewBatch(s.state, s.events, {}, [breach]);
    expect(review.items.map((i) => i.kind)).toEqual(['delay', 'hold_time']);
    expect(review.items[0]!.message).toBe('"Line clearance" took 30 min against a standard of 15 min');
    expect(review.blockers.map((b) => b.code)).toEqual(['batch_incomplete']);
  });

  it('is a pure function of its inputs', () => {
    const s = deviatingBatch.completed;
    const before = JSON.stringify(s.state);
    reviewBatch(s.state, s.events, {}, []);
    expect(JSON.stringify(s.state)).toBe(before);
    expect(s.events.reduce(evolveBatch, cleanBatch.created.state).deviations).toEqual(['B-1-D1']);
  });
});
