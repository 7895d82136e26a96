/**
 * A decision signed by its quorum takes effect on its subject in the same decision — and the subject's
 * own rules still hold: a signed release of a batch with an open deviation is refused as a whole.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../shared/decider.ts';
import { versioned, deviatingBatch } from '../execution/test-batches.ts';
import { deviationsOf } from '../execution/test-world.ts';
import { evolveDeviation, initialDeviationState, type DeviationState } from '../quality/deviation-state.ts';
import type { DeviationEvent } from '../quality/deviation-events.ts';
import { at, contextOf, HOUR, T0, who } from '../quality/test-quality.ts';
import { decideWithSubject, type SubjectContext } from './apply-decision.ts';
import type { DecisionCommand, Route } from './decision-commands.ts';
import { evolveDecision, initialDecisionState, type DecisionState } from './decision-state.ts';
import type { DecisionSubject } from './subjects.ts';

const route = (quorum = 1): Route => ({ rule: 'test', role: 'qa', dueInMs: 24 * HOUR, escalate: [], quorum, notify: [] });

function routed(subject: DecisionSubject, quorum = 1, decisionId = 'D-1'): DecisionState {
  const decision = decideWithSubject(initialDecisionState, { type: 'RouteDecision', data: { decisionId, site: 'S1', subject, route: route(quorum), conflicts: [] } }, contextOf(who.quality));
  if (!decision.ok) throw new Error(decision.refusal.message);
  return decision.events.reduce(evolveDecision, initialDecisionState);
}

const sign = (outcome: string, meaning: 'approved' | 'reviewed' | 'released', data?: Record<string, unknown>, comment?: string): DecisionCommand => ({
  type: 'SignDecision',
  data: { outcome, signature: { meaning, recordHash: 'h-1' }, ...(data ? { data } : {}), ...(comment ? { comment } : {}) },
});

const raised: DeviationEvent = {
  type: 'DeviationRaised',
  data: { deviationId: 'B-1-D1', batchId: 'B-1', site: 'S1', procedure: 'PX10-COMPRESSION', version: 2, stepId: 'compress', fieldId: 'hardness', severity: 'major', group: 'critical-value', hold: 'batch', message: 'hardness low', raisedAt: T0, detectedBy: 'u-olivia' },
};
const deviation = (...more: DeviationEvent[]) => ({ state: [raised, ...more].reduce(evolveDeviation, initialDeviationState), version: 1 + more.length });
const ctx = (a: Actor, extra: Partial<SubjectContext>): SubjectContext => ({ ...contextOf(a, at(1)), ...extra });

describe('a signed decision acts on its subject', () => {
  it('triage: the deviation is triaged with the signed data and signatures', () => {
    const state = routed({ kind: 'deviation_triage', id: 'B-1-D1', title: 't', severity: 'major' });
    const decision = decideWithSubject(state, sign('triaged', 'reviewed', { severity: 'major', category: 'critical-value', impact: 'round 2 segregated', investigator: 'u-erin' }), ctx(who.quinn, { deviation: deviation() }));
    expect(decision).toMatchObject({
      ok: true,
      events: [{ type: 'DecisionSigned' }, { type: 'DecisionMade', data: { outcome: 'triaged' } }],
      also: [{ streamId: 'deviation-B-1-D1', expectedVersion: 1, events: [{ type: 'DeviationTriaged', data: { investigator: 'u-erin', decisionId: 'D-1', signatures: [{ by: 'u-quinn', outcome: 'triaged' }] } }] }],
    });
  });

  it('triage data the deviation refuses refuses the signature as a whole', () => {
    const state = routed({ kind: 'deviation_triage', id: 'B-1-D1', title: 't', severity: 'major' });
    const decision = decideWithSubject(state, sign('triaged', 'reviewed', { severity: 'major', category: 'critical-value', impact: 'x' }), ctx(who.quinn, { deviation: deviation() }));
    expect(decision).toMatchObject({ ok: false, refusal: { code: 'invalid_value', details: { field: 'impact' } } });
  });

  it('a disposition rejecting the batch rejects it too, in the same transaction', () => {
    const triaged: DeviationEvent = { type: 'DeviationTriaged', data: { deviationId: 'B-1-D1', severity: 'major', previousSeverity: 'major', category: 'critical-value', impact: 'lot affected', investigator: 'u-erin', signatures: [], by: 'u-quinn', at: T0 } };
    const state = routed({ kind: 'deviation_disposition', id: 'B-1-D1', title: 't', severity: 'major' });
    const decision = decideWithSubject(state, sign('reject_batch', 'approved', { rationale: 'hardness cannot be reworked' }), ctx(who.quinn, { deviation: deviation(triaged), batch: versioned('running', true) }));
    if (!decision.ok) throw new Error(decision.refusal.message);
    expect(decision.also.map((s) => [s.streamId, s.events.map((e) => e.type)])).toEqual([
      ['deviation-B-1-D1', ['DispositionDecided']],
      ['batch-B-1', ['BatchRejected']],
    ]);
    expect(decision.also[1]!.events[0]).toMatchObject({ data: { reason: 'disposition of deviation B-1-D1: hardness cannot be reworked', signature: { meaning: 'approved', by: 'u-quinn' }, decisionId: 'D-1' } });
  });

  it("a release is refused as a whole while the batch's deviation is open; it releases once it is closed", () => {
    const state = routed({ kind: 'batch_release', id: 'B-1', title: 'release of B-1' });
    const batch = versioned('completed', true);
    const open: Record<string, DeviationState> = deviationsOf(deviatingBatch.completed.world, 'dispositioned');
    const refused = decideWithSubject(state, sign('release', 'released'), ctx(who.quinn, { batch, batchDeviations: open }));
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'open_deviations' } });
    const closed = deviationsOf(deviatingBatch.completed.world, 'closed');
    const released = decideWithSubject(state, sign('release', 'released'), ctx(who.quinn, { batch, batchDeviations: closed }));
    expect(released).toMatchObject({ ok: true, also: [{ streamId: 'batch-B-1', expectedVersion: batch.version, events: [{ type: 'BatchReleased', data: { decisionId: 'D-1', signature: { meaning: 'released', recordHash: 'h-1' } } }] }] });
  });

  it('a quorum of two: the first signature touches nothing else; the second acts on the subject', () => {
    const state = routed({ kind: 'capa_approval', id: 'CAPA-1', title: 'CAPA-1' }, 2);
    const first = decideWithSubject(state, sign('approve', 'approved'), ctx(who.quinn, {}));
    expect(first).toMatchObject({ ok: true, events: [{ type: 'DecisionSigned', data: { count: 1, quorum: 2 } }], also: [] });
    const after = (first.ok ? first.events : []).reduce(evolveDecision, state);
    // The second signer finds the subject missing: the decision is not recorded without its effect.
    expect(decideWithSubject(after, sign('approve', 'approved'), ctx(who.quentin, {}))).toMatchObject({ ok: false, refusal: { code: 'subject_not_found' } });
  });
});
