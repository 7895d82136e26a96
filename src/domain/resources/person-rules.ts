/** What execution asks of a person before they act: are they active, what roles here, are they trained, may they sign. */
import type { Refusal } from '../shared/refusal.ts';
import type { PersonState } from './person-state.ts';
import type { Role } from './roles.ts';

/** The roles a person holds at a site; none when they are deactivated or unknown. */
export function rolesAt(person: PersonState, site: string): Role[] {
  if (!person.registered || !person.active) return [];
  return [...(person.roles[site] ?? [])];
}

/** Refuses (`person_not_registered`, `person_inactive`) unless the person may act at all. */
export function activeCheck(person: PersonState): Refusal | undefined {
  if (!person.registered)
    return { code: 'person_not_registered', message: 'You are not registered as a person in OpenBES; ask an admin', details: {} };
  if (!person.active)
    return {
      code: 'person_inactive',
      message: `The account of ${person.name} is deactivated; it cannot be used to act in OpenBES`,
      details: { personId: person.id },
    };
  return undefined;
}

/**
 * Refuses (`not_trained`) unless the person is trained on `procedure` at `version` or a later version.
 * Training on an older version does not count: the procedure changed since. A later version counts: it is
 * given when that version becomes effective, and work still running on the older version finishes on it.
 */
export function trainingCheck(person: PersonState, procedure: string, version: number): Refusal | undefined {
  if (!person.registered)
    return { code: 'person_not_registered', message: 'You are not registered as a person in OpenBES; ask an admin', details: {} };
  const versions = person.training.filter((t) => t.procedure === procedure).map((t) => t.version);
  if (versions.some((v) => v >= version)) return undefined;
  const older = versions.length ? ` (your training is on version ${Math.max(...versions)})` : '';
  return {
    code: 'not_trained',
    message: `You are not trained on ${procedure} version ${version}${older}; ask your supervisor to record your training`,
    details: { personId: person.id, procedure, version, trainedVersions: versions },
  };
}

/**
 * Refuses (`esignature_not_acknowledged`) a signature by a person who has not acknowledged that their
 * electronic signature is the legally binding equivalent of their handwritten signature (21 CFR 11.100(c)).
 */
export function esignatureCheck(person: PersonState | undefined): Refusal | undefined {
  if (person?.esignature !== undefined) return undefined;
  return {
    code: 'esignature_not_acknowledged',
    message:
      'Before your first electronic signature, acknowledge that it is the legally binding equivalent of your handwritten signature (21 CFR 11.100(c))',
    details: { personId: person?.id ?? '' },
  };
}
