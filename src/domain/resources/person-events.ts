/** What happened to a person's record: identity, roles per site, training, e-signature acknowledgement, deactivation. */
import type { DomainEvent } from '../shared/decider.ts';
import type { Role } from './roles.ts';

type Data<D> = { readonly personId: string } & D;

export type PersonRegistered = DomainEvent<'PersonRegistered', Data<{ readonly username: string; readonly name: string }>>;
export type RoleGranted = DomainEvent<'RoleGranted', Data<{ readonly site: string; readonly role: Role }>>;
export type RoleRevoked = DomainEvent<'RoleRevoked', Data<{ readonly site: string; readonly role: Role }>>;
/** `trainedAt` is the server time the record was made. */
export type TrainingRecorded = DomainEvent<
  'TrainingRecorded',
  Data<{ readonly procedure: string; readonly version: number; readonly trainedAt: string; readonly trainedBy: string }>
>;
export type PersonDeactivated = DomainEvent<'PersonDeactivated', Data<{ readonly reason: string }>>;
/** `acknowledgedAt` is the server time; `textVersion` the wording of the acknowledgement the person accepted. */
export type ESignatureAcknowledged = DomainEvent<'ESignatureAcknowledged', Data<{ readonly textVersion: string; readonly acknowledgedAt: string }>>;

export type PersonEvent = PersonRegistered | RoleGranted | RoleRevoked | TrainingRecorded | PersonDeactivated | ESignatureAcknowledged;
