/**
 * Change control, given / when / then: a change names the drafted version it proposes and its impact;
 * submitting it puts the version in review; its approval — never by its author, nor by the version's
 * drafter — approves the version and makes it effective in the same decision, superseding the one before;
 * a rejection withdraws the version. One named case per refusal code.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../shared/decider.ts';
import type { DecisionSignature } from '../decisions/decision-events.ts';
import { evolveProcedure, initialProcedureState, type ProcedureEvent, type ProcedureState } from '../procedure/lifecycle.ts';
import { procedure as definition } from '../execution/test-procedure.ts';
import { evolveCapa, initialCapaState } from '../quality/capa-state.ts';
import { at, contextOf, spec, T0, who } from '../quality/test-quality.ts';
import type { ChangeCommand } from './change-commands.ts';
import { decideChange, type ChangeContext } from './change-decider.ts';
import type { ChangeEvent } from './change-events.ts';
import { evolveChange, initialChangeState } from './change-state.ts';

const changes = spec(decideChange, evolveChange, initialChangeState);
const CODE = 'PX10-COMPRESSION';

const procedureEvents = (v2: 'draft' | 'in_review'): ProcedureEvent[] => [
  { type: 'ProcedureVersionDrafted', data: { procedure: CODE, version: 1, definition, source: 'v1', sourceHash: 'h1', draftedBy: 'u-erin' } },
  { type: 'ProcedureVersionSubmitted', data: { procedure: CODE, version: 1, submittedBy: 'u-erin' } },
  { type: 'ProcedureVersionApproved', data: { procedure: CODE, version: 1, approvedBy: 'u-quinn' } },
  { type: 'ProcedureVersionMadeEffective', data: { procedure: CODE, version: 1, effectiveFrom: T0, madeEffectiveBy: 'u-quinn' } },
  { type: 'ProcedureVersionDrafted', data: { procedure: CODE, version: 2, definition, source: 'v2', sourceHash: 'h2', draftedBy: 'u-erin' } },
  ...(v2 === 'in_review' ? [{ type: 'ProcedureVersionSubmitted', data: { procedure: CODE, version: 2, submittedBy: 'u-erin' } } as ProcedureEvent] : []),
];
const procedureAt = (v2: 'draft' | 'in_review') => {
  const events = procedureEvents(v2);
  return { state: events.reduce(evolveProcedure, initialProcedureState as ProcedureState), version: events.length };
};
const ctx = (a: Actor, hours = 0, extra: Partial<ChangeContext> = {}): ChangeContext => ({ ...contextOf(a, at(hours)), procedure: procedureAt('draft'), ...extra });

const requested: ChangeEvent = { type: 'ChangeRequested', data: { changeId: 'CC-7', site: 'S1', procedure: CODE, title: 'Force check at set-up', reason: 'CAPA-1: hardness low after set-up', capaId: 'CAPA-1', author: 'u-erin', at: T0 } };
const attached: ChangeEvent = { type: 'ChangeVersionAttached', data: { changeId: 'CC-7', procedure: CODE, version: 2, by: 'u-erin' } };
const assessed: ChangeEvent = { type: 'ChangeImpactAssessed', data: { changeId: 'CC-7', assessment: 'Adds one check at set-up; operators to be trained', risk: 'low', trainingRequired: true, by: 'u-erin', at: at(1) } };
const submitted: ChangeEvent = { type: 'ChangeSubmitted', data: { changeId: 'CC-7', procedure: CODE, version: 2, by: 'u-erin', at: at(2) } };
const sig = (a: Actor): DecisionSignature => ({ meaning: 'approved', by: a.id, name: a.name, at: at(3), outcome: 'approve' });
const capa = evolveCapa(initialCapaState, {
  type: 'CapaOpened',
  data: { capaId: 'CAPA-1', site: 'S1', title: 't', problem: 'hardness low', owner: 'u-erin', deviations: ['B-1-D1'], effectiveness: { procedure: CODE, batches: 3 }, by: 'u-quinn', at: T0 },
});

const closedCapa = evolveCapa(capa, { type: 'CapaClosed', data: { capaId: 'CAPA-1', round: 1, signatures: [], by: 'u-quinn', at: at(100) } });

describe('a change request', () => {
  it('is drafted against a procedure, from a CAPA', () => {
    changes
      .given([])
      .when({ type: 'RequestChange', data: { changeId: 'CC-7', site: 'S1', procedure: CODE, title: 'Force check at set-up', reason: 'CAPA-1: hardness low after set-up', capaId: 'CAPA-1' } }, ctx(who.erin, 0, { capa }))
      .thenEvents([requested]);
  });

  it('proposes a drafted version and states its impact', () => {
    changes.given([requested]).when({ type: 'AttachVersion', data: { version: 2 } }, ctx(who.erin)).thenEvents([attached]);
    changes.given([requested, attached]).when({ type: 'AssessImpact', data: { assessment: 'Adds one check at set-up; operators to be trained', risk: 'low' } }, ctx(who.erin, 1)).thenEvents([assessed]);
  });

  it('submitting it puts the version in review, in the same decision', () => {
    changes.given([requested, attached, assessed]).when({ type: 'SubmitChange', data: {} }, ctx(who.erin, 2)).thenEvents([submitted], [
      { streamId: `procedure-${CODE}`, expectedVersion: 5, events: [{ type: 'ProcedureVersionSubmitted', data: { procedure: CODE, version: 2, submittedBy: 'u-erin' } }] },
    ]);
  });

  it('its approval approves the new version and makes it effective, superseding the old one', () => {
    changes
      .given([requested, attached, assessed, submitted])
      .when({ type: 'ApproveChange', data: { decisionId: 'change-approval-CC-7', signatures: [sig(who.quinn), sig(who.quentin)] } }, ctx(who.quentin, 3, { procedure: procedureAt('in_review') }))
      .thenEvents(
        [
          { type: 'ChangeApproved', data: { changeId: 'CC-7', decisionId: 'change-approval-CC-7', signatures: [sig(who.quinn), sig(who.quentin)], by: 'u-quentin', at: at(3) } },
          { type: 'ChangeMadeEffective', data: { changeId: 'CC-7', procedure: CODE, version: 2, supersedes: 1, effectiveFrom: at(3), capaId: 'CAPA-1' } },
        ],
        [
          {
            streamId: `procedure-${CODE}`,
            expectedVersion: 6,
            events: [
              { type: 'ProcedureVersionApproved', data: { procedure: CODE, version: 2, approvedBy: 'u-quentin' } },
              { type: 'ProcedureVersionSuperseded', data: { procedure: CODE, version: 1, supersededBy: 2 } },
              { type: 'ProcedureVersionMadeEffective', data: { procedure: CODE, version: 2, effectiveFrom: at(3), madeEffectiveBy: 'u-quentin' } },
            ],
          },
        ],
      );
  });

  it('its rejection withdraws the version', () => {
    const then = changes.given([requested, attached, assessed, submitted]).when({ type: 'RejectChange', data: { reason: 'validation impact not assessed', signatures: [] } }, ctx(who.quinn, 3, { procedure: procedureAt('in_review') }));
    expect(then.events()).toMatchObject([{ type: 'ChangeRejected', data: { reason: 'validation impact not assessed' } }]);
    expect(then.also()).toMatchObject([{ events: [{ type: 'ProcedureVersionRetired', data: { version: 2, previousStatus: 'in_review' } }] }]);
  });
});

describe('refusals', () => {
  const inReview = { procedure: procedureAt('in_review') };
  it.each([
    ['author_cannot_approve', [requested, attached, assessed, submitted], { type: 'ApproveChange', data: { signatures: [sig(who.quinn)] } }, { ...who.erin, roles: ['qa'] }, inReview],
    ['author_cannot_approve', [requested, attached, assessed, submitted], { type: 'ApproveChange', data: { signatures: [sig(who.erin), sig(who.quinn)] } }, who.quinn, inReview],
    [
      'self_approval',
      [{ ...requested, data: { ...(requested.data as object), author: 'u-rita' } } as ChangeEvent, attached, assessed, submitted],
      { type: 'ApproveChange', data: { signatures: [sig(who.quinn)] } },
      { ...who.erin, id: 'u-erin', roles: ['qa'] },
      inReview,
    ],
    ['change_exists', [requested], { type: 'RequestChange', data: { changeId: 'CC-7', site: 'S1', procedure: CODE, title: 'again', reason: 'the same thing again' } }, who.erin, {}],
    ['role_not_permitted', [], { type: 'RequestChange', data: { changeId: 'CC-8', site: 'S1', procedure: CODE, title: 'x-ray', reason: 'because it is better' } }, who.olivia, {}],
    ['version_not_found', [], { type: 'RequestChange', data: { changeId: 'CC-8', site: 'S1', procedure: 'NOPE', title: 'x-ray', reason: 'because it is better' } }, who.erin, {}],
    ['capa_not_found', [], { type: 'RequestChange', data: { changeId: 'CC-8', site: 'S1', procedure: CODE, title: 'x-ray', reason: 'because it is better', capaId: 'CAPA-9' } }, who.erin, {}],
    ['capa_closed', [], { type: 'RequestChange', data: { changeId: 'CC-8', site: 'S1', procedure: CODE, title: 'x-ray', reason: 'because it is better', capaId: 'CAPA-1' } }, who.erin, { capa: closedCapa }],
    ['change_not_found', [], { type: 'SubmitChange', data: {} }, who.erin, {}],
    ['change_incomplete', [requested, attached], { type: 'SubmitChange', data: {} }, who.erin, {}],
    ['version_not_found', [requested], { type: 'AttachVersion', data: { version: 9 } }, who.erin, {}],
    ['invalid_transition', [requested], { type: 'AttachVersion', data: { version: 1 } }, who.erin, {}],
    ['invalid_transition', [requested, attached, assessed, submitted], { type: 'AssessImpact', data: { assessment: 'changed my mind about it', risk: 'high' } }, who.erin, {}],
    ['invalid_value', [requested], { type: 'AssessImpact', data: { assessment: 'changed my mind about it', risk: 'extreme' } }, who.erin, {}],
    ['invalid_transition', [requested, attached, assessed], { type: 'ApproveChange', data: { signatures: [sig(who.quinn)] } }, who.quinn, {}],
    ['role_not_permitted', [requested, attached, assessed, submitted], { type: 'ApproveChange', data: { signatures: [sig(who.sam)] } }, who.sam, inReview],
    ['site_mismatch', [requested], { type: 'AttachVersion', data: { version: 2 } }, who.sven, {}],
  ] as const)('%s', (code, given, command, actor, extra) => {
    changes.given(given).when(command as ChangeCommand, ctx(actor as Actor, 3, extra)).thenRefused(code);
  });
});
