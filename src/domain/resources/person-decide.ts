/**
 * The rules for people: only an admin manages identities and roles, nobody changes their own roles or
 * records their own training, an IT admin never holds a GMP role at the same site (segregation of duties),
 * and only the person acknowledges that their electronic signature binds them.
 */
import type { DecisionContext } from '../shared/decider.ts';
import type { Decision, Refusal } from '../shared/refusal.ts';
import { accept, refuse } from '../shared/refusal.ts';
import { deny, firstRefusal, invalid, requireText } from './inputs.ts';
import type { AcknowledgeESignature, GrantRole, PersonCommand, RegisterPerson, RevokeRole } from './person-commands.ts';
import type { PersonEvent } from './person-events.ts';
import type { PersonState } from './person-state.ts';
import type { Role } from './roles.ts';
import { GMP_ROLES, isRole, roleCheck } from './roles.ts';

/** Every command but the acknowledgement, which no role grants: only the person themselves makes it. */
const AUTHORITY: Record<Exclude<PersonCommand['type'], 'AcknowledgeESignature'>, { readonly roles: readonly string[]; readonly action: string }> = {
  RegisterPerson: { roles: ['admin'], action: 'Registering a person' },
  GrantRole: { roles: ['admin'], action: 'Granting a role' },
  RevokeRole: { roles: ['admin'], action: 'Revoking a role' },
  RecordTraining: { roles: ['supervisor', 'qa'], action: 'Recording training' },
  DeactivatePerson: { roles: ['admin'], action: 'Deactivating a person' },
};

/** Decides one person command: its events, or why not. */
export function decidePerson(state: PersonState, command: PersonCommand, context: DecisionContext): Decision<PersonEvent> {
  if (command.type === 'RegisterPerson') return register(state, command, context);
  if (!state.registered)
    return refuse('person_not_registered', 'This person is not registered in OpenBES; check the user you selected', { command: command.type });
  if (command.type === 'AcknowledgeESignature') return acknowledge(state, command, context);
  const { roles, action } = AUTHORITY[command.type];
  const denied = roleCheck(context.actor.roles, roles, action);
  if (denied) return deny(denied);
  const personId = state.id;
  const self = context.actor.id === personId;
  switch (command.type) {
    case 'GrantRole':
    case 'RevokeRole':
      return changeRole(state, command, context);
    case 'RecordTraining': {
      const { procedure, version } = command.data;
      const trainedBy = command.data.trainedBy ?? context.actor.id;
      const bad = firstRefusal(
        requireText('procedure', procedure, 'The procedure'),
        Number.isInteger(version) && version > 0 ? undefined : invalid('version', `The procedure version must be a whole number from 1; got ${String(version)}`, version),
        requireText('trainedBy', trainedBy, 'The trainer'),
      );
      if (bad) return deny(bad);
      if (self || trainedBy === personId)
        return refuse('self_training_record', 'Nobody can record their own training; another supervisor or QA must record it', {
          personId,
          recordedBy: context.actor.id,
          trainedBy,
        });
      if (!state.active) return inactive(state);
      return accept({ type: 'TrainingRecorded', data: { personId, procedure, version, trainedAt: context.now, trainedBy } });
    }
    case 'DeactivatePerson': {
      const bad = requireText('reason', command.data.reason, 'The reason');
      if (bad) return deny(bad);
      if (self) return refuse('self_deactivation', 'You cannot deactivate your own account; ask another admin', { personId });
      if (!state.active) return inactive(state);
      return accept({ type: 'PersonDeactivated', data: { personId, reason: command.data.reason } });
    }
  }
}

function register(state: PersonState, command: RegisterPerson, context: DecisionContext): Decision<PersonEvent> {
  const { personId, username, name } = command.data;
  const bad = firstRefusal(
    roleCheck(context.actor.roles, AUTHORITY.RegisterPerson.roles, AUTHORITY.RegisterPerson.action),
    requireText('personId', personId, 'The person id'),
    requireText('username', username, 'The username'),
    /\s/.test(username) ? invalid('username', `A username has no spaces; got "${username}"`, username) : undefined,
    requireText('name', name, 'The name'),
  );
  if (bad) return deny(bad);
  if (state.registered) return refuse('already_registered', `${state.name} (${state.username}) is already registered`, { personId: state.id });
  return accept({ type: 'PersonRegistered', data: { personId, username, name } });
}

function acknowledge(state: PersonState, command: AcknowledgeESignature, context: DecisionContext): Decision<PersonEvent> {
  const personId = state.id;
  // A statement that binds a person in law is theirs alone to make: no admin or system makes it for them.
  if (context.actor.id !== personId)
    return refuse('acknowledgement_not_own', `Only ${state.name} can acknowledge that their electronic signature binds them`, { personId, actorId: context.actor.id });
  const { textVersion } = command.data;
  const bad = requireText('textVersion', textVersion, 'The version of the acknowledgement text');
  if (bad) return deny(bad);
  if (!state.active) return inactive(state);
  if (state.esignature?.textVersion === textVersion)
    return refuse('esignature_already_acknowledged', `You acknowledged this text (version ${textVersion}) on ${state.esignature.acknowledgedAt.slice(0, 10)} already`, {
      personId,
      textVersion,
      acknowledgedAt: state.esignature.acknowledgedAt,
    });
  return accept({ type: 'ESignatureAcknowledged', data: { personId, textVersion, acknowledgedAt: context.now } });
}

function changeRole(state: PersonState, command: GrantRole | RevokeRole, context: DecisionContext): Decision<PersonEvent> {
  const personId = state.id;
  const { site, role } = command.data;
  // Checked before anything else about the request: no input makes changing one's own roles possible.
  if (context.actor.id === personId)
    return refuse('self_role_change', 'Nobody can change their own roles; ask another admin', { personId, site, role });
  if (context.actor.site !== site)
    return refuse('site_mismatch', `Roles at site ${site} are managed by an admin signed in there; you are signed in at site ${context.actor.site}`, {
      actorSite: context.actor.site,
      resourceSite: site,
    });
  const bad = firstRefusal(
    requireText('site', site, 'The site'),
    isRole(role) ? undefined : invalid('role', `There is no role "${role}"; roles are ${ROLE_LIST}`, role),
  );
  if (bad || !isRole(role)) return deny(bad!);
  const held = state.roles[site] ?? [];
  if (command.type === 'RevokeRole') {
    if (!held.includes(role))
      return refuse('role_not_held', `${state.name} does not hold the ${role} role at site ${site}`, { personId, site, role, held: [...held] });
    return accept({ type: 'RoleRevoked', data: { personId, site, role } });
  }
  if (!state.active) return inactive(state);
  if (held.includes(role))
    return refuse('role_already_held', `${state.name} already holds the ${role} role at site ${site}`, { personId, site, role });
  const conflict = segregationConflict(held, role);
  if (conflict)
    return refuse(
      'segregation_of_duties',
      `${state.name} holds the ${conflict} role at site ${site}; the admin role and the GMP roles (operator, supervisor, qa, qa-lead) are never held together at one site`,
      { personId, site, role, conflictsWith: conflict },
    );
  return accept({ type: 'RoleGranted', data: { personId, site, role } });
}

/** An IT admin can change the system, so must not perform, verify or sign the GMP work it records. */
function segregationConflict(held: readonly Role[], role: Role): Role | undefined {
  if (role === 'admin') return held.find((r) => GMP_ROLES.includes(r));
  if (GMP_ROLES.includes(role) && held.includes('admin')) return 'admin';
  return undefined;
}

function inactive(state: PersonState): { ok: false; refusal: Refusal } {
  return refuse('person_inactive', `${state.name} is deactivated; their record can no longer change`, { personId: state.id });
}

const ROLE_LIST = 'operator, supervisor, qa, qa-lead, engineer, maintenance, leader and admin';
