/**
 * CAPA, given / when / then: opened from deviations (each linked back in the same decision) with its
 * effectiveness criterion fixed up front; planned, approved never by its owner; actions completed by their
 * owners — a change's action only once the change is effective, which fixes the version the check counts
 * from; the check counts later batches automatically: N clean ones pass it, one recurrence fails it and the
 * CAPA reopens for a new round. One named case per refusal code.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../shared/decider.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';
import { evolveChange, initialChangeState, type ChangeState } from '../change/change-state.ts';
import type { CapaCommand } from './capa-commands.ts';
import { decideCapa, type CapaContext } from './capa-decider.ts';
import type { CapaEvent } from './capa-events.ts';
import { currentCheck, evolveCapa, initialCapaState } from './capa-state.ts';
import type { BatchOutcome } from './effectiveness.ts';
import type { DeviationEvent } from './deviation-events.ts';
import { evolveDeviation, initialDeviationState } from './deviation-state.ts';
import { at, contextOf, spec, T0, who } from './test-quality.ts';

const capas = spec(decideCapa, evolveCapa, initialCapaState);
const ctx = (a: Actor, hours = 0, extra: Partial<CapaContext> = {}): CapaContext => ({ ...contextOf(a, at(hours)), ...extra });

const deviationRaised: DeviationEvent = {
  type: 'DeviationRaised',
  data: { deviationId: 'B-1-D1', batchId: 'B-1', site: 'S1', procedure: 'PX10', version: 1, stepId: 'compress', fieldId: 'hardness', severity: 'major', group: 'critical-value', hold: 'batch', message: 'hardness low', raisedAt: T0, detectedBy: 'u-olivia' },
};
const deviation = { state: evolveDeviation(initialDeviationState, deviationRaised), version: 4 };
const criterion = { procedure: 'PX10', stepId: 'compress', fieldId: 'hardness', batches: 3 };
const open: CapaCommand = {
  type: 'OpenCapa',
  data: { capaId: 'CAPA-1', site: 'S1', title: 'Hardness low after set-up', problem: 'Hardness below specification after press set-up', owner: 'u-erin', deviations: ['B-1-D1'], effectiveness: criterion },
};
const opened: CapaEvent = {
  type: 'CapaOpened',
  data: { capaId: 'CAPA-1', site: 'S1', title: 'Hardness low after set-up', problem: 'Hardness below specification after press set-up', owner: 'u-erin', deviations: ['B-1-D1'], effectiveness: criterion, by: 'u-quinn', at: T0 },
};
const action = (id: string, owner: string, changeId?: string): CapaEvent => ({
  type: 'CapaActionAdded',
  data: { capaId: 'CAPA-1', actionId: id, title: `action ${id}`, owner, dueAt: at(24 * 30), ...(changeId ? { changeId } : {}), by: 'u-erin' },
});
const submitted: CapaEvent = { type: 'CapaSubmitted', data: { capaId: 'CAPA-1', round: 1, by: 'u-erin', at: at(1) } };
const sig = (a: Actor, outcome: string): DecisionSignature => ({ meaning: 'approved', by: a.id, name: a.name, at: at(2), outcome });
const approved: CapaEvent = { type: 'CapaApproved', data: { capaId: 'CAPA-1', round: 1, decisionId: 'capa-approval-CAPA-1-r1', signatures: [sig(who.quinn, 'approve')], by: 'u-quinn', at: at(2) } };
const planned = [opened, action('A1', 'u-erin', 'CC-7'), action('A2', 'u-sam'), submitted, approved];

const change = (status: 'submitted' | 'effective'): ChangeState => {
  let s = evolveChange(initialChangeState, { type: 'ChangeRequested', data: { changeId: 'CC-7', site: 'S1', procedure: 'PX10', title: 'force check', reason: 'CAPA-1 action A1', capaId: 'CAPA-1', author: 'u-erin', at: T0 } });
  s = evolveChange(s, { type: 'ChangeVersionAttached', data: { changeId: 'CC-7', procedure: 'PX10', version: 2, by: 'u-erin' } });
  s = evolveChange(s, { type: 'ChangeSubmitted', data: { changeId: 'CC-7', procedure: 'PX10', version: 2, by: 'u-erin', at: at(1) } });
  return status === 'effective' ? evolveChange(s, { type: 'ChangeMadeEffective', data: { changeId: 'CC-7', procedure: 'PX10', version: 2, supersedes: 1, effectiveFrom: at(5) } }) : s;
};
const a1Done: CapaEvent = { type: 'CapaActionCompleted', data: { capaId: 'CAPA-1', actionId: 'A1', evidence: 'change CC-7 made PX10 version 2 effective', version: 2, by: 'system:quality', at: at(5) } };
const a2Done: CapaEvent = { type: 'CapaActionCompleted', data: { capaId: 'CAPA-1', actionId: 'A2', evidence: 'operators trained on version 2', by: 'u-sam', at: at(6) } };
const started: CapaEvent = { type: 'EffectivenessCheckStarted', data: { capaId: 'CAPA-1', round: 1, fromVersion: 2, criterion, at: at(6) } };
const verifying = [...planned, a1Done, a2Done, started];

const outcome = (batchId: string, over: Partial<BatchOutcome> = {}): CapaCommand => ({
  type: 'RecordBatchOutcome',
  data: { batchId, site: 'S1', procedure: 'PX10', version: 2, endedAt: at(10), deviations: [], ...over },
});
const observed = (batchId: string, count: number): CapaEvent => ({ type: 'BatchObserved', data: { capaId: 'CAPA-1', round: 1, batchId, version: 2, clean: true, recurrences: [], count, at: at(10) } });

describe('opening a CAPA', () => {
  it('links every deviation it comes from, in the same decision', () => {
    capas.given([]).when(open, ctx(who.quinn, 0, { deviations: { 'B-1-D1': deviation } })).thenEvents([opened], [
      { streamId: 'deviation-B-1-D1', expectedVersion: 4, events: [{ type: 'DeviationLinkedToCapa', data: { deviationId: 'B-1-D1', capaId: 'CAPA-1', by: 'u-quinn' } }] },
    ]);
  });

  it.each([
    ['capa_exists', [opened], open, who.quinn, { 'B-1-D1': deviation }],
    ['role_not_permitted', [], open, who.erin, { 'B-1-D1': deviation }],
    ['deviation_not_found', [], open, who.quinn, {}],
    ['invalid_value', [], { ...open, data: { ...open.data, deviations: [] } }, who.quinn, {}],
    ['invalid_value', [], { ...open, data: { ...open.data, effectiveness: { ...criterion, batches: 0 } } }, who.quinn, { 'B-1-D1': deviation }],
  ] as const)('is refused with %s', (code, given, command, actor, deviations) => {
    capas.given(given).when(command as CapaCommand, ctx(actor, 0, { deviations })).thenRefused(code);
  });
});

describe('planning, approval and implementation', () => {
  it('the owner plans actions and submits; the approval moves it to implementing', () => {
    const state = capas.given(planned).state;
    expect(state).toMatchObject({ status: 'implementing', round: 1, actions: [{ id: 'A1', changeId: 'CC-7', done: false }, { id: 'A2', done: false }] });
  });

  it('the owner never approves their own CAPA, not even as one of several signers (self_approval)', () => {
    capas.given([opened, action('A2', 'u-sam'), submitted]).when({ type: 'ApproveCapa', data: { signatures: [sig(who.erin, 'approve')] } }, ctx({ ...who.erin, roles: ['qa'] })).thenRefused('self_approval');
    capas.given([opened, action('A2', 'u-sam'), submitted]).when({ type: 'ApproveCapa', data: { signatures: [sig(who.erin, 'approve'), sig(who.quinn, 'approve')] } }, ctx(who.quinn)).thenRefused('self_approval');
  });

  it("a change's action completes only once the change is effective, and sets the version the check counts from", () => {
    const complete: CapaCommand = { type: 'CompleteCapaAction', data: { actionId: 'A1', evidence: 'change CC-7 made PX10 version 2 effective' } };
    capas.given(planned).when(complete, ctx(who.erin, 4, { changes: { 'CC-7': change('submitted') } })).thenRefused('change_not_effective');
    capas.given(planned).when(complete, ctx(who.quality, 5, { changes: { 'CC-7': change('effective') } })).thenEvents([{ ...a1Done, data: { ...(a1Done.data as object), by: 'system:quality' } } as CapaEvent]);
  });

  it('the last action done starts the effectiveness check', () => {
    capas.given([...planned, a1Done]).when({ type: 'CompleteCapaAction', data: { actionId: 'A2', evidence: 'operators trained on version 2' } }, ctx(who.sam, 6)).thenEvents([a2Done, started]);
    expect(currentCheck(capas.given(verifying).state)).toMatchObject({ round: 1, fromVersion: 2, startedAt: at(6), observed: [] });
  });

  it.each([
    ['capa_not_found', [], { type: 'SubmitCapa', data: {} }, who.erin],
    ['no_actions', [opened], { type: 'SubmitCapa', data: {} }, who.erin],
    ['invalid_transition', planned, { type: 'SubmitCapa', data: {} }, who.erin],
    ['role_not_permitted', [opened], { type: 'AddCapaAction', data: { actionId: 'A9', title: 'x-ray', owner: 'u-sam', dueAt: at(48) } }, who.sam],
    ['invalid_value', [opened], { type: 'AddCapaAction', data: { actionId: 'A9', title: 'x-ray', owner: 'u-sam', dueAt: at(-48) } }, who.erin],
    ['action_not_found', planned, { type: 'CompleteCapaAction', data: { actionId: 'A9', evidence: 'done it' } }, who.sam],
    ['not_action_owner', planned, { type: 'CompleteCapaAction', data: { actionId: 'A2', evidence: 'done it' } }, who.erin],
    ['role_not_permitted', verifying, outcome('B-2'), who.quinn],
    ['site_mismatch', planned, { type: 'SubmitCapa', data: {} }, who.sven],
  ] as const)('is refused with %s', (code, given, command, actor) => {
    capas.given(given).when(command as CapaCommand, ctx(actor, 3)).thenRefused(code);
  });
});

describe('effectiveness, measured from later batches', () => {
  it('counts a clean batch; the Nth clean batch passes the check', () => {
    capas.given(verifying).when(outcome('B-2'), ctx(who.quality, 10)).thenEvents([observed('B-2', 1)]);
    const events = capas.given([...verifying, observed('B-2', 1), observed('B-3', 2)]).when(outcome('B-4'), ctx(who.quality, 10)).events();
    expect(events).toEqual([observed('B-4', 3), { type: 'EffectivenessCheckPassed', data: { capaId: 'CAPA-1', round: 1, batches: ['B-2', 'B-3', 'B-4'], at: at(10) } }]);
    expect(capas.given([...verifying, observed('B-2', 1), observed('B-3', 2), ...events]).state.status).toBe('effective');
  });

  it('a deviation elsewhere is no recurrence', () => {
    const events = capas.given(verifying).when(outcome('B-2', { deviations: [{ deviationId: 'B-2-D1', stepId: 'reconcile', fieldId: 'yield', category: 'value', severity: 'major' }] }), ctx(who.quality, 10)).events();
    expect(events[0]).toMatchObject({ type: 'BatchObserved', data: { clean: true } });
  });

  it('a recurrence fails the check and reopens the CAPA for a new round', () => {
    const recurrence = { deviationId: 'B-3-D1', stepId: 'compress', fieldId: 'hardness', category: 'critical-value', severity: 'major' };
    const events = capas.given([...verifying, observed('B-2', 1)]).when(outcome('B-3', { deviations: [recurrence] }), ctx(who.quality, 12)).events();
    expect(events).toEqual([
      { type: 'BatchObserved', data: { capaId: 'CAPA-1', round: 1, batchId: 'B-3', version: 2, clean: false, recurrences: [recurrence], count: 1, at: at(12) } },
      { type: 'EffectivenessCheckFailed', data: { capaId: 'CAPA-1', round: 1, batchId: 'B-3', recurrences: [recurrence], at: at(12) } },
      { type: 'CapaReopened', data: { capaId: 'CAPA-1', round: 2, reason: 'recurrence in batch B-3: B-3-D1', by: 'system:quality', at: at(12) } },
    ]);
    const reopened = capas.given([...verifying, observed('B-2', 1), ...events]).state;
    expect(reopened).toMatchObject({ status: 'planning', round: 2, reopenings: [{ round: 2 }] });
    // Round 2 needs a new action before it can be submitted again.
    capas.given([...verifying, observed('B-2', 1), ...events]).when({ type: 'SubmitCapa', data: {} }, ctx(who.erin, 13)).thenRefused('no_actions');
  });

  it.each([
    ['of another procedure', { procedure: 'PX20' }],
    ['on the version before the change', { version: 1 }],
    ['of another site', { site: 'S2' }],
    ['that ended before the check started', { endedAt: at(5) }],
  ] as const)('does not count a batch %s (batch_not_counted)', (_name, over) => {
    capas.given(verifying).when(outcome('B-2', over), ctx(who.quality, 10)).thenRefused('batch_not_counted');
  });

  it('counts a batch once (batch_not_counted), and none before it is verifying', () => {
    capas.given([...verifying, observed('B-2', 1)]).when(outcome('B-2'), ctx(who.quality, 11)).thenRefused('batch_not_counted');
    capas.given(planned).when(outcome('B-2'), ctx(who.quality, 11)).thenRefused('invalid_transition');
  });

  it('QA confirms a passed check to close it — never its owner; a "not effective" verdict reopens it', () => {
    const passed = [...verifying, observed('B-2', 1), observed('B-3', 2), observed('B-4', 3), { type: 'EffectivenessCheckPassed', data: { capaId: 'CAPA-1', round: 1, batches: ['B-2', 'B-3', 'B-4'], at: at(10) } } as CapaEvent];
    capas.given(passed).when({ type: 'ConfirmEffectiveness', data: { signatures: [sig(who.quinn, 'effective')] } }, ctx(who.quinn, 20)).thenEvents([
      { type: 'CapaClosed', data: { capaId: 'CAPA-1', round: 1, signatures: [sig(who.quinn, 'effective')], by: 'u-quinn', at: at(20) } },
    ]);
    capas.given(passed).when({ type: 'ConfirmEffectiveness', data: { signatures: [sig(who.erin, 'effective')] } }, ctx({ ...who.erin, roles: ['qa'] }, 20)).thenRefused('self_approval');
    const reopened = capas.given(passed).when({ type: 'RejectEffectiveness', data: { reason: 'three batches are too few for this press', signatures: [] } }, ctx(who.quinn, 20)).events();
    expect(reopened).toMatchObject([{ type: 'CapaReopened', data: { round: 2 } }]);
    const closed = capas.given(passed).when({ type: 'ConfirmEffectiveness', data: { signatures: [sig(who.quinn, 'effective')] } }, ctx(who.quinn, 20)).events();
    capas.given([...passed, ...closed]).when(outcome('B-9'), ctx(who.quality, 30)).thenRefused('capa_closed');
  });
});
