/** A person as their events leave them, and how each event changes them. */
import type { PersonEvent } from './person-events.ts';
import type { Role } from './roles.ts';

/** One training record: the person was trained on this procedure version. */
export interface TrainingRecord {
  readonly procedure: string;
  readonly version: number;
  readonly trainedAt: string;
  readonly trainedBy: string;
}

/** The person's acknowledgement that their e-signature binds them (21 CFR 11.100(c)). */
export interface ESignatureAcknowledgement {
  readonly textVersion: string;
  readonly acknowledgedAt: string;
}

export interface PersonState {
  readonly registered: boolean;
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly active: boolean;
  /** Roles held, by site id. */
  readonly roles: Readonly<Record<string, readonly Role[]>>;
  readonly training: readonly TrainingRecord[];
  /** The latest acknowledgement; absent until the person makes one (older snapshots lack it too). */
  readonly esignature?: ESignatureAcknowledgement;
}

/** A person before registration. */
export const initialPersonState: PersonState = { registered: false, id: '', username: '', name: '', active: false, roles: {}, training: [] };

/** Applies one event. Total and pure: it never refuses (decide already did). */
export function evolvePerson(state: PersonState, event: PersonEvent): PersonState {
  switch (event.type) {
    case 'PersonRegistered':
      return { registered: true, id: event.data.personId, username: event.data.username, name: event.data.name, active: true, roles: {}, training: [] };
    case 'RoleGranted': {
      const { site, role } = event.data;
      const held = state.roles[site] ?? [];
      return held.includes(role) ? state : { ...state, roles: { ...state.roles, [site]: [...held, role] } };
    }
    case 'RoleRevoked': {
      const { site, role } = event.data;
      const held = (state.roles[site] ?? []).filter((r) => r !== role);
      const { [site]: _dropped, ...others } = state.roles;
      return { ...state, roles: held.length ? { ...others, [site]: held } : others };
    }
    case 'TrainingRecorded': {
      const { procedure, version, trainedAt, trainedBy } = event.data;
      return { ...state, training: [...state.training, { procedure, version, trainedAt, trainedBy }] };
    }
    case 'PersonDeactivated':
      return { ...state, active: false };
    case 'ESignatureAcknowledged':
      return { ...state, esignature: { textVersion: event.data.textVersion, acknowledgedAt: event.data.acknowledgedAt } };
  }
}
