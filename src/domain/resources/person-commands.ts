/** What admins and trainers ask of a person's record. */
import type { Command } from './command.ts';

/** Adds a person (admin). Usernames must be unique: the application checks that across streams. */
export type RegisterPerson = Command<'RegisterPerson', { readonly personId: string; readonly username: string; readonly name: string }>;
/** Grants a role at a site (admin at that site; never to oneself). */
export type GrantRole = Command<'GrantRole', { readonly site: string; readonly role: string }>;
/** Revokes a role at a site (admin at that site; never from oneself). */
export type RevokeRole = Command<'RevokeRole', { readonly site: string; readonly role: string }>;
/** Records training on a procedure version (supervisor or qa); `trainedBy` defaults to the recorder. */
export type RecordTraining = Command<'RecordTraining', { readonly procedure: string; readonly version: number; readonly trainedBy?: string }>;
/** Deactivates a person (admin; not oneself): they can no longer act. Their records stay. */
export type DeactivatePerson = Command<'DeactivatePerson', { readonly reason: string }>;
/**
 * The person's own statement that their electronic signature is the legally binding equivalent of their
 * handwritten signature (21 CFR 11.100(c)); `textVersion` names the wording they were shown. Only the
 * person can make it, and no signature of theirs is accepted before it.
 */
export type AcknowledgeESignature = Command<'AcknowledgeESignature', { readonly textVersion: string }>;

export type PersonCommand = RegisterPerson | GrantRole | RevokeRole | RecordTraining | DeactivatePerson | AcknowledgeESignature;
