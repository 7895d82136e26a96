/** What execution asks of a person: roles here, active, trained on this version. */
import { describe, expect, it } from 'vitest';
import { fold } from '../shared/decider.ts';
import { personDecider } from './person-decider.ts';
import type { PersonEvent } from './person-events.ts';
import { activeCheck, esignatureCheck, rolesAt, trainingCheck } from './person-rules.ts';
import { initialPersonState } from './person-state.ts';

const personId = 'u-jane';
const person = (...events: PersonEvent[]) =>
  fold(personDecider, [{ type: 'PersonRegistered', data: { personId, username: 'jdoe', name: 'Jane Doe' } }, ...events]);
const trainedOn = (version: number): PersonEvent => ({
  type: 'TrainingRecorded',
  data: { personId, procedure: 'PX10-COMPRESSION', version, trainedAt: '2026-11-01T08:00:00.000Z', trainedBy: 'u-sup' },
});
const deactivated: PersonEvent = { type: 'PersonDeactivated', data: { personId, reason: 'left' } };

describe('rolesAt', () => {
  const p = person({ type: 'RoleGranted', data: { personId, site: 'S1', role: 'operator' } }, { type: 'RoleGranted', data: { personId, site: 'S1', role: 'supervisor' } });
  it('gives the roles at one site', () => {
    expect(rolesAt(p, 'S1')).toEqual(['operator', 'supervisor']);
    expect(rolesAt(p, 'S2')).toEqual([]);
  });
  it('gives none once deactivated', () => {
    expect(rolesAt(person({ type: 'RoleGranted', data: { personId, site: 'S1', role: 'operator' } }, deactivated), 'S1')).toEqual([]);
  });
  it('gives none for an unknown person', () => {
    expect(rolesAt(initialPersonState, 'S1')).toEqual([]);
  });
});

describe('activeCheck', () => {
  it('passes an active person', () => expect(activeCheck(person())).toBeUndefined());
  it('refuses a deactivated person', () => {
    expect(activeCheck(person(deactivated))).toEqual({
      code: 'person_inactive',
      message: 'The account of Jane Doe is deactivated; it cannot be used to act in OpenBES',
      details: { personId },
    });
  });
  it('refuses an unknown person', () => expect(activeCheck(initialPersonState)?.code).toBe('person_not_registered'));
});

describe('trainingCheck', () => {
  it('passes training on the version', () => expect(trainingCheck(person(trainedOn(3)), 'PX10-COMPRESSION', 3)).toBeUndefined());
  it('passes training on a later version', () => expect(trainingCheck(person(trainedOn(4)), 'PX10-COMPRESSION', 3)).toBeUndefined());
  it('refuses with no training', () => {
    expect(trainingCheck(person(), 'PX10-COMPRESSION', 3)).toEqual({
      code: 'not_trained',
      message: 'You are not trained on PX10-COMPRESSION version 3; ask your supervisor to record your training',
      details: { personId, procedure: 'PX10-COMPRESSION', version: 3, trainedVersions: [] },
    });
  });
  it('an older version does not count', () => {
    const refusal = trainingCheck(person(trainedOn(1), trainedOn(2)), 'PX10-COMPRESSION', 3);
    expect(refusal?.message).toBe('You are not trained on PX10-COMPRESSION version 3 (your training is on version 2); ask your supervisor to record your training');
    expect(refusal?.details.trainedVersions).toEqual([1, 2]);
  });
  it('another procedure does not count', () => expect(trainingCheck(person(trainedOn(3)), 'PX20-COATING', 3)?.code).toBe('not_trained'));
  it('refuses an unknown person', () => expect(trainingCheck(initialPersonState, 'PX10-COMPRESSION', 1)?.code).toBe('person_not_registered'));
});

describe('esignatureCheck', () => {
  const acknowledged: PersonEvent = { type: 'ESignatureAcknowledged', data: { personId, textVersion: '1', acknowledgedAt: '2026-11-01T08:00:00.000Z' } };
  it('passes a person who acknowledged', () => expect(esignatureCheck(person(acknowledged))).toBeUndefined());
  it('refuses a person who has not', () => {
    expect(esignatureCheck(person())).toEqual({
      code: 'esignature_not_acknowledged',
      message: 'Before your first electronic signature, acknowledge that it is the legally binding equivalent of your handwritten signature (21 CFR 11.100(c))',
      details: { personId },
    });
  });
  it('refuses when there is no person record', () => expect(esignatureCheck(undefined)?.code).toBe('esignature_not_acknowledged'));
});
