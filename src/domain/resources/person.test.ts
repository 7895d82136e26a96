/** People, given / when / then: every accepted command and every refusal code. */
import { describe, expect, it } from 'vitest';
import type { DecisionContext } from '../shared/decider.ts';
import type { PersonCommand } from './person-commands.ts';
import { personDecider } from './person-decider.ts';
import type { PersonEvent } from './person-events.ts';
import { contextAt, specFor } from './spec.ts';
import { NOW, as } from './test-fixtures.ts';

const given = specFor(personDecider);
const personId = 'u-jane';
const jane = (roles: string[], site = 'S1') => contextAt(NOW, { id: personId, roles, site });

const registered: PersonEvent = { type: 'PersonRegistered', data: { personId, username: 'jdoe', name: 'Jane Doe' } };
const granted = (role: 'operator' | 'supervisor' | 'qa' | 'admin' | 'engineer', site = 'S1'): PersonEvent => ({ type: 'RoleGranted', data: { personId, site, role } });
const revoked = (role: 'operator', site = 'S1'): PersonEvent => ({ type: 'RoleRevoked', data: { personId, site, role } });
const trained: PersonEvent = { type: 'TrainingRecorded', data: { personId, procedure: 'PX10-COMPRESSION', version: 3, trainedAt: NOW, trainedBy: 'u-supervisor' } };
const deactivated: PersonEvent = { type: 'PersonDeactivated', data: { personId, reason: 'left the company' } };
const acknowledged = (textVersion = '1', acknowledgedAt = NOW): PersonEvent => ({ type: 'ESignatureAcknowledged', data: { personId, textVersion, acknowledgedAt } });
const acknowledge = (textVersion = '1'): PersonCommand => ({ type: 'AcknowledgeESignature', data: { textVersion } });
const grant = (role: string, site = 'S1'): PersonCommand => ({ type: 'GrantRole', data: { site, role } });
const revoke = (role: string, site = 'S1'): PersonCommand => ({ type: 'RevokeRole', data: { site, role } });
const train = (version = 3, trainedBy?: string): PersonCommand => ({ type: 'RecordTraining', data: { procedure: 'PX10-COMPRESSION', version, ...(trainedBy && { trainedBy }) } });

type Case = { name: string; given: PersonEvent[]; when: PersonCommand; as: DecisionContext; then: PersonEvent[] | string };

const accepted: Case[] = [
  { name: 'an admin registers a person', given: [], when: { type: 'RegisterPerson', data: { personId, username: 'jdoe', name: 'Jane Doe' } }, as: as('admin'), then: [registered] },
  { name: 'an admin grants a role at their site', given: [registered], when: grant('operator'), as: as('admin'), then: [granted('operator')] },
  { name: 'an admin grants a second role', given: [registered, granted('operator')], when: grant('supervisor'), as: as('admin'), then: [granted('supervisor')] },
  { name: 'engineer and admin may be combined', given: [registered, granted('engineer')], when: grant('admin'), as: as('admin'), then: [granted('admin')] },
  { name: 'an admin revokes a role', given: [registered, granted('operator')], when: revoke('operator'), as: as('admin'), then: [revoked('operator')] },
  { name: 'an admin revokes a role from a deactivated person', given: [registered, granted('operator'), deactivated], when: revoke('operator'), as: as('admin'), then: [revoked('operator')] },
  { name: 'a supervisor records training', given: [registered], when: train(), as: as('supervisor'), then: [trained] },
  {
    name: 'qa records training given by someone else',
    given: [registered],
    when: train(3, 'u-trainer'),
    as: as('qa'),
    then: [{ type: 'TrainingRecorded', data: { personId, procedure: 'PX10-COMPRESSION', version: 3, trainedAt: NOW, trainedBy: 'u-trainer' } }],
  },
  { name: 'an admin deactivates a person', given: [registered], when: { type: 'DeactivatePerson', data: { reason: 'left the company' } }, as: as('admin'), then: [deactivated] },
  { name: 'a person acknowledges their e-signature, with no role at all', given: [registered], when: acknowledge(), as: jane([]), then: [acknowledged()] },
  { name: 'a person acknowledges a new version of the text', given: [registered, acknowledged('1')], when: acknowledge('2'), as: jane(['operator']), then: [acknowledged('2')] },
];

const refused: Case[] = [
  { name: 'a supervisor cannot register a person', given: [], when: { type: 'RegisterPerson', data: { personId, username: 'jdoe', name: 'Jane Doe' } }, as: as('supervisor'), then: 'role_not_permitted' },
  { name: 'qa cannot grant a role', given: [registered], when: grant('operator'), as: as('qa'), then: 'role_not_permitted' },
  { name: 'qa cannot revoke a role', given: [registered, granted('operator')], when: revoke('operator'), as: as('qa'), then: 'role_not_permitted' },
  { name: 'an operator cannot record training', given: [registered], when: train(), as: as('operator'), then: 'role_not_permitted' },
  { name: 'a supervisor cannot deactivate a person', given: [registered], when: { type: 'DeactivatePerson', data: { reason: 'x' } }, as: as('supervisor'), then: 'role_not_permitted' },
  { name: 'registering a person twice', given: [registered], when: { type: 'RegisterPerson', data: { personId, username: 'jdoe', name: 'Jane Doe' } }, as: as('admin'), then: 'already_registered' },
  { name: 'granting a role to nobody', given: [], when: grant('operator'), as: as('admin'), then: 'person_not_registered' },
  { name: 'recording training for nobody', given: [], when: train(), as: as('supervisor'), then: 'person_not_registered' },
  { name: 'an empty username', given: [], when: { type: 'RegisterPerson', data: { personId, username: '', name: 'Jane Doe' } }, as: as('admin'), then: 'invalid_value' },
  { name: 'a username with a space', given: [], when: { type: 'RegisterPerson', data: { personId, username: 'j doe', name: 'Jane Doe' } }, as: as('admin'), then: 'invalid_value' },
  { name: 'an unknown role', given: [registered], when: grant('superuser'), as: as('admin'), then: 'invalid_value' },
  { name: 'a training version that is not a whole number', given: [registered], when: train(2.5), as: as('supervisor'), then: 'invalid_value' },
  { name: 'deactivating without a reason', given: [registered], when: { type: 'DeactivatePerson', data: { reason: '' } }, as: as('admin'), then: 'invalid_value' },
  { name: 'an admin grants themselves a role', given: [registered, granted('admin')], when: grant('engineer'), as: jane(['admin']), then: 'self_role_change' },
  { name: 'an admin revokes their own role', given: [registered, granted('admin')], when: revoke('admin'), as: jane(['admin']), then: 'self_role_change' },
  { name: 'granting a role at another site', given: [registered], when: grant('operator', 'S2'), as: as('admin'), then: 'site_mismatch' },
  { name: 'revoking a role at another site', given: [registered, granted('operator', 'S2')], when: revoke('operator', 'S2'), as: as('admin'), then: 'site_mismatch' },
  { name: 'granting a role already held', given: [registered, granted('operator')], when: grant('operator'), as: as('admin'), then: 'role_already_held' },
  { name: 'revoking a role not held', given: [registered], when: revoke('qa'), as: as('admin'), then: 'role_not_held' },
  { name: 'a GMP role to an admin', given: [registered, granted('admin')], when: grant('qa'), as: as('admin'), then: 'segregation_of_duties' },
  { name: 'admin to an operator', given: [registered, granted('operator')], when: grant('admin'), as: as('admin'), then: 'segregation_of_duties' },
  { name: 'a supervisor records their own training', given: [registered], when: train(), as: jane(['supervisor']), then: 'self_training_record' },
  { name: 'training given by the trainee', given: [registered], when: train(3, personId), as: as('qa'), then: 'self_training_record' },
  { name: 'training for a deactivated person', given: [registered, deactivated], when: train(), as: as('supervisor'), then: 'person_inactive' },
  { name: 'a role for a deactivated person', given: [registered, deactivated], when: grant('operator'), as: as('admin'), then: 'person_inactive' },
  { name: 'deactivating twice', given: [registered, deactivated], when: { type: 'DeactivatePerson', data: { reason: 'x' } }, as: as('admin'), then: 'person_inactive' },
  { name: 'an admin acknowledges for someone else', given: [registered], when: acknowledge(), as: as('admin'), then: 'acknowledgement_not_own' },
  { name: 'acknowledging for nobody', given: [], when: acknowledge(), as: jane([]), then: 'person_not_registered' },
  { name: 'acknowledging without naming the text', given: [registered], when: acknowledge(''), as: jane([]), then: 'invalid_value' },
  { name: 'acknowledging once deactivated', given: [registered, deactivated], when: acknowledge(), as: jane([]), then: 'person_inactive' },
  { name: 'acknowledging the same text twice', given: [registered, acknowledged('1')], when: acknowledge('1'), as: jane([]), then: 'esignature_already_acknowledged' },
  { name: 'an admin deactivates themselves', given: [registered, granted('admin')], when: { type: 'DeactivatePerson', data: { reason: 'x' } }, as: jane(['admin']), then: 'self_deactivation' },
];

describe('people: accepted commands', () => {
  it.each(accepted)('$name', (c) => {
    given(c.given).when(c.when, c.as).then(c.then);
  });
});

describe('people: refusals', () => {
  it.each(refused)('$name → $then', (c) => {
    given(c.given).when(c.when, c.as).then(c.then);
  });
});

describe('people: what the refusals say', () => {
  it('self role change', () => {
    expect(given([registered, granted('admin')]).when(grant('engineer'), jane(['admin'])).then('self_role_change').message).toBe(
      'Nobody can change their own roles; ask another admin',
    );
  });
  it('segregation of duties names the conflicting role', () => {
    const refusal = given([registered, granted('admin')]).when(grant('qa'), as('admin')).then('segregation_of_duties');
    expect(refusal.message).toBe(
      'Jane Doe holds the admin role at site S1; the admin role and the GMP roles (operator, supervisor, qa, qa-lead) are never held together at one site',
    );
    expect(refusal.details).toEqual({ personId, site: 'S1', role: 'qa', conflictsWith: 'admin' });
  });
  it('admin and GMP roles may be held at different sites', () => {
    // The admin of site S2 is an operator at S1: allowed, they are different systems of record per site.
    given([registered, granted('operator', 'S1')]).when(grant('admin', 'S2'), contextAt(NOW, { id: 'u-admin2', roles: ['admin'], site: 'S2' })).then([granted('admin', 'S2')]);
  });
  it('only the person acknowledges, by name', () => {
    expect(given([registered]).when(acknowledge(), as('admin')).then('acknowledgement_not_own').message).toBe(
      'Only Jane Doe can acknowledge that their electronic signature binds them',
    );
  });
  it('the acknowledgement is kept in the state, with its text version and time', () => {
    expect(given([registered, acknowledged('1'), acknowledged('2', '2026-12-01T08:00:00.000Z')]).when(acknowledge('3'), jane([])).state.esignature).toEqual({
      textVersion: '2',
      acknowledgedAt: '2026-12-01T08:00:00.000Z',
    });
  });
  it('role changes leave the other sites alone', () => {
    const { state } = given([registered, granted('operator', 'S1'), granted('operator', 'S2'), revoked('operator', 'S1')]).when(grant('qa'), as('admin'));
    expect(state.roles).toEqual({ S2: ['operator'] });
  });
});
