/** Procedure versions, given / when / then: every transition, every refusal code, and invariants over random histories. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextAt, replay, specFor } from '../resources/spec.ts';
import { NOW, as } from '../resources/test-fixtures.ts';
import type { DecisionContext } from '../shared/decider.ts';
import type { ProcedureDefinition } from './definition.ts';
import {
  effectiveVersion,
  procedureDecider,
  procedureVersionStatus,
  versionDefinition,
  type ProcedureCommand,
  type ProcedureEvent,
} from './lifecycle.ts';
import { parseProcedure } from './parse.ts';

const SOURCE = `procedure: CLN-TP-001
title: Tablet press cleaning
kind: sop
steps:
  - id: clean
    role: operator
    verify: supervisor
    record: [{ id: visually_clean, type: check, expect: true, onOutOfSpec: { deviation: minor } }]
`;
const parsed = parseProcedure(SOURCE);
if (!parsed.ok) throw new Error('the test procedure must parse');
const definition = parsed.definition;
const procedure = 'CLN-TP-001';
const given = specFor(procedureDecider);

const draftCmd = (def: ProcedureDefinition = definition): ProcedureCommand => ({ type: 'DraftVersion', data: { definition: def, source: SOURCE, sourceHash: 'sha256:abc' } });
const cmd = (type: Exclude<ProcedureCommand['type'], 'DraftVersion'>, version: number) => ({ type, data: { version } }) as ProcedureCommand;

const drafted = (version: number, draftedBy = 'u-engineer'): ProcedureEvent => ({
  type: 'ProcedureVersionDrafted',
  data: { procedure, version, definition, source: SOURCE, sourceHash: 'sha256:abc', draftedBy },
});
const submitted = (version: number): ProcedureEvent => ({ type: 'ProcedureVersionSubmitted', data: { procedure, version, submittedBy: 'u-engineer' } });
const approved = (version: number): ProcedureEvent => ({ type: 'ProcedureVersionApproved', data: { procedure, version, approvedBy: 'u-qa' } });
const effective = (version: number): ProcedureEvent => ({ type: 'ProcedureVersionMadeEffective', data: { procedure, version, effectiveFrom: NOW, madeEffectiveBy: 'u-qa' } });
const superseded = (version: number, by: number): ProcedureEvent => ({ type: 'ProcedureVersionSuperseded', data: { procedure, version, supersededBy: by } });
const v1Effective = [drafted(1), submitted(1), approved(1), effective(1)];

describe('procedure versions: accepted', () => {
  it('an engineer drafts version 1, then 2', () => {
    given([]).when(draftCmd(), as('engineer')).then([drafted(1)]);
    given([drafted(1)]).when(draftCmd(), as('engineer')).then([drafted(2)]);
  });

  it('a draft goes to review, is approved by QA, and becomes effective', () => {
    given([drafted(1)]).when(cmd('SubmitForReview', 1), as('engineer')).then([submitted(1)]);
    given([drafted(1), submitted(1)]).when(cmd('ApproveVersion', 1), as('qa')).then([approved(1)]);
    given([drafted(1), submitted(1), approved(1)]).when(cmd('MakeEffective', 1), as('qa')).then([effective(1)]);
  });

  it('making version 2 effective supersedes version 1 in the same decision', () => {
    given([...v1Effective, drafted(2), submitted(2), approved(2)])
      .when(cmd('MakeEffective', 2), as('qa'))
      .then([superseded(1, 2), { type: 'ProcedureVersionMadeEffective', data: { procedure, version: 2, effectiveFrom: NOW, madeEffectiveBy: 'u-qa' } }]);
  });

  it('QA retires the effective version, or withdraws a draft', () => {
    given(v1Effective).when(cmd('RetireVersion', 1), as('qa')).then([{ type: 'ProcedureVersionRetired', data: { procedure, version: 1, retiredBy: 'u-qa', previousStatus: 'effective' } }]);
    given([drafted(1)]).when(cmd('RetireVersion', 1), as('qa')).then([{ type: 'ProcedureVersionRetired', data: { procedure, version: 1, retiredBy: 'u-qa', previousStatus: 'draft' } }]);
  });
});

describe('procedure versions: refused', () => {
  const engineerAndQa: DecisionContext = contextAt(NOW, { id: 'u-engineer', roles: ['engineer', 'qa'] });
  const other = { ...definition, procedure: 'PX10-COMPRESSION' };
  const broken = { ...definition, steps: [{ ...definition.steps[0]!, role: 'admin' }] };
  const cases: { name: string; given: ProcedureEvent[]; when: ProcedureCommand; as: DecisionContext; then: string }[] = [
    { name: 'an operator drafts', given: [], when: draftCmd(), as: as('operator'), then: 'role_not_permitted' },
    { name: 'QA drafts', given: [], when: draftCmd(), as: as('qa'), then: 'role_not_permitted' },
    { name: 'a draft of another procedure in this stream', given: [drafted(1)], when: draftCmd(other), as: as('engineer'), then: 'procedure_mismatch' },
    { name: 'a draft with checker errors', given: [], when: draftCmd(broken), as: as('engineer'), then: 'invalid_definition' },
    { name: 'submitting a version that does not exist', given: [drafted(1)], when: cmd('SubmitForReview', 2), as: as('engineer'), then: 'version_not_found' },
    { name: 'submitting twice', given: [drafted(1), submitted(1)], when: cmd('SubmitForReview', 1), as: as('engineer'), then: 'invalid_transition' },
    { name: 'an engineer approves', given: [drafted(1), submitted(1)], when: cmd('ApproveVersion', 1), as: as('engineer'), then: 'role_not_permitted' },
    { name: 'approving a draft not in review', given: [drafted(1)], when: cmd('ApproveVersion', 1), as: as('qa'), then: 'invalid_transition' },
    { name: 'approving your own draft', given: [drafted(1), submitted(1)], when: cmd('ApproveVersion', 1), as: engineerAndQa, then: 'self_approval' },
    { name: 'approving twice', given: [drafted(1), submitted(1), approved(1)], when: cmd('ApproveVersion', 1), as: as('qa'), then: 'invalid_transition' },
    { name: 'making a version effective before approval', given: [drafted(1), submitted(1)], when: cmd('MakeEffective', 1), as: as('qa'), then: 'invalid_transition' },
    { name: 'making a draft effective', given: [drafted(1)], when: cmd('MakeEffective', 1), as: as('qa'), then: 'invalid_transition' },
    { name: 'a supervisor makes a version effective', given: [drafted(1), submitted(1), approved(1)], when: cmd('MakeEffective', 1), as: as('supervisor'), then: 'role_not_permitted' },
    { name: 'retiring a superseded version', given: [...v1Effective, drafted(2), submitted(2), approved(2), superseded(1, 2), effective(2)], when: cmd('RetireVersion', 1), as: as('qa'), then: 'invalid_transition' },
    { name: 'retiring in an empty stream', given: [], when: cmd('RetireVersion', 1), as: as('qa'), then: 'version_not_found' },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const refusal = given(c.given).when(c.when, c.as).then(c.then);
    expect(refusal.message.length).toBeGreaterThan(10);
  });

  it('says why in words', () => {
    expect(given([drafted(1), submitted(1)]).when(cmd('MakeEffective', 1), as('qa')).then('invalid_transition').message).toBe(
      'CLN-TP-001 version 1 is in review; only an approved version can be made effective.',
    );
    expect(given([drafted(1), submitted(1)]).when(cmd('ApproveVersion', 1), engineerAndQa).then('self_approval').message).toContain('another person with the qa role');
  });
});

describe('procedure versions: reading the state', () => {
  it('knows the effective version and the definition of each', () => {
    const { state } = given([...v1Effective, drafted(2), submitted(2), approved(2), superseded(1, 2), effective(2), drafted(3)]).when(cmd('SubmitForReview', 3), as('engineer'));
    expect(effectiveVersion(state)).toBe(2);
    expect(versionDefinition(state, 1)).toEqual(definition);
    expect(versionDefinition(state, 4)).toBeUndefined();
    expect(procedureVersionStatus(state, 1)?.status).toBe('superseded');
    expect(procedureVersionStatus(state, 3)?.status).toBe('draft');
    expect(effectiveVersion(given([drafted(1)]).when(draftCmd(), as('engineer')).state)).toBeUndefined();
  });
});

describe('procedure versions: invariants over random histories', () => {
  const actors = [as('engineer'), as('qa'), as('operator'), contextAt(NOW, { id: 'u-engineer', roles: ['engineer', 'qa'] }), contextAt(NOW, { id: 'u-qa2', roles: ['qa'] })];
  const command = fc.oneof(
    fc.constant(draftCmd()),
    fc.tuple(fc.constantFrom('SubmitForReview', 'ApproveVersion', 'MakeEffective', 'RetireVersion') as fc.Arbitrary<Exclude<ProcedureCommand['type'], 'DraftVersion'>>, fc.integer({ min: 1, max: 4 })).map(([type, v]) => cmd(type, v)),
  );

  it('never two effective versions, never approved by its drafter, numbers 1, 2, 3… in order', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ command, context: fc.constantFrom(...actors) }), { maxLength: 40 }), (steps) => {
        const { state } = replay(procedureDecider, steps);
        expect(state.versions.filter((v) => v.status === 'effective').length).toBeLessThanOrEqual(1);
        for (const v of state.versions) expect(v.approvedBy).not.toBe(v.draftedBy);
        expect(state.versions.map((v) => v.version)).toEqual(state.versions.map((_, i) => i + 1));
        for (const v of state.versions) if (v.status === 'effective' || v.status === 'superseded') expect(v.approvedBy).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});
