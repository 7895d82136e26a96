/**
 * API tokens for integrations (ERP, dashboards, line controllers): issued by an admin to one person for
 * one role at one site, shown once, stored as a SHA-256, revocable, optionally expiring. A token acts with
 * that one role, and only while the person still holds it at that site and is active. Never for a GMP role:
 * the admin who receives the token could then act as the operator or QA person it names, which would break
 * attribution and the separation of IT admins from GMP work (21 CFR 11.10(d), (g)); GMP work is done by
 * people signed in with their password.
 */
import { randomUUID } from 'node:crypto';
import { rolesAt } from '../domain/resources/person-rules.ts';
import { GMP_ROLES, isRole, listWords } from '../domain/resources/roles.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import type { Principal } from '../server/principal.ts';
import { activePersonCheck, sessionAdminCheck } from './authority.ts';
import { ensureCredential } from './credentials.ts';
import type { Identity } from './identity.ts';
import { hashSecret, looksLikeApiToken, newApiToken } from './secrets.ts';
import type { TokenRow } from './store/identity-store.ts';

export interface TokenRequest {
  readonly personId: string;
  readonly role: string;
  readonly label: string;
  /** ISO time; absent: the token lasts until revoked. */
  readonly expiresAt?: string;
}

/** A token as listed: everything but its hash. */
export type TokenView = Omit<TokenRow, 'tokenHash'>;

export const viewOf = ({ tokenHash: _hidden, ...view }: TokenRow): TokenView => view;

type Result<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly refusal: Refusal };
const no = (code: string, message: string, details: Record<string, unknown> = {}) => ({ ok: false as const, refusal: { code, message, details } });

/** Issues a token; the returned `token` is the only time anyone sees it. */
export async function issueToken(identity: Identity, principal: Principal, request: TokenRequest): Promise<Result<{ token: string; view: TokenView }>> {
  const denied = sessionAdminCheck(principal, 'Issuing an API token');
  if (denied) return { ok: false, refusal: denied };
  const { personId, role, label } = request;
  const person = await identity.person(personId);
  const bad = activePersonCheck(person, personId);
  if (bad) return { ok: false, refusal: bad };
  if (!isRole(role)) return no('invalid_value', `There is no role "${role}"`, { field: 'role', value: role });
  if (GMP_ROLES.includes(role))
    return no('token_role_not_allowed', `API tokens are never issued for the GMP roles (${listWords(GMP_ROLES, 'and')}): that work is done by people signed in with their password`, { role });
  if (!rolesAt(person!, principal.site).includes(role))
    return no('role_not_held', `${person!.name} does not hold the ${role} role at site ${principal.site}; a token can only carry a role its person holds`, { personId, role, site: principal.site });
  if (label.trim() === '') return no('invalid_value', 'Give the token a label that says what uses it', { field: 'label' });
  const now = identity.now();
  if (request.expiresAt !== undefined && !(Date.parse(request.expiresAt) > now.getTime()))
    return no('invalid_value', `The expiry must be a time in the future; got ${request.expiresAt}`, { field: 'expiresAt', value: request.expiresAt });
  const found = await ensureCredential(identity, person!);
  if ('refusal' in found) return { ok: false, refusal: found.refusal };
  if (found.credential.accountKind === 'generic') return no('generic_account', `${person!.name} is a shared account; API tokens belong to one person`, { personId });

  const token = newApiToken();
  const row: TokenRow = {
    id: `tok_${randomUUID()}`,
    tokenHash: hashSecret(token),
    personId,
    site: principal.site,
    role,
    label: label.trim(),
    createdAt: now.toISOString(),
    createdBy: principal.personId,
    expiresAt: request.expiresAt === undefined ? null : new Date(request.expiresAt).toISOString(),
    revokedAt: null,
    revokedBy: null,
  };
  await identity.store.createToken(row);
  await identity.audit(principal.personId, {
    type: 'ApiTokenIssued',
    data: { tokenId: row.id, personId, site: row.site, role, label: row.label, expiresAt: row.expiresAt, by: principal.personId },
  });
  return { ok: true, token, view: viewOf(row) };
}

/** The tokens of the admin's site, newest last, without their hashes. */
export async function listTokens(identity: Identity, principal: Principal): Promise<Result<{ tokens: TokenView[] }>> {
  const denied = sessionAdminCheck(principal, 'Listing API tokens');
  if (denied) return { ok: false, refusal: denied };
  return { ok: true, tokens: (await identity.store.tokensAt(principal.site)).map(viewOf) };
}

/** Revokes a token of the admin's site; it stops working at once. */
export async function revokeToken(identity: Identity, principal: Principal, tokenId: string): Promise<Result<{ view: TokenView }>> {
  const denied = sessionAdminCheck(principal, 'Revoking an API token');
  if (denied) return { ok: false, refusal: denied };
  const row = await identity.store.token(tokenId);
  if (row === undefined || row.site !== principal.site) return no('token_not_found', `There is no API token ${tokenId} at site ${principal.site}`, { tokenId });
  const at = identity.now().toISOString();
  if (!(await identity.store.revokeToken(tokenId, at, principal.personId)))
    return no('token_already_revoked', `API token ${tokenId} was revoked already`, { tokenId, revokedAt: row.revokedAt });
  await identity.audit(principal.personId, { type: 'ApiTokenRevoked', data: { tokenId, personId: row.personId, site: row.site, by: principal.personId } });
  return { ok: true, view: viewOf({ ...row, revokedAt: at, revokedBy: principal.personId }) };
}

const INVALID_TOKEN: Refusal = Object.freeze({
  code: 'token_invalid',
  message: 'This API token is not valid (unknown, revoked, expired, or its person no longer holds its role); ask an admin for a new one',
  details: Object.freeze({}),
});

/** The principal of a bearer token, or `token_invalid`. */
export async function authenticateToken(identity: Identity, token: string): Promise<{ ok: true; principal: Principal } | { ok: false; refusal: Refusal }> {
  if (!looksLikeApiToken(token)) return { ok: false, refusal: INVALID_TOKEN };
  const row = await identity.store.tokenByHash(hashSecret(token));
  if (row === undefined || row.revokedAt !== null) return { ok: false, refusal: INVALID_TOKEN };
  if (row.expiresAt !== null && identity.now().toISOString() >= row.expiresAt) return { ok: false, refusal: INVALID_TOKEN };
  const person = await identity.person(row.personId);
  const { role } = row;
  if (person === undefined || !person.active || !isRole(role) || !rolesAt(person, row.site).includes(role)) return { ok: false, refusal: INVALID_TOKEN };
  return { ok: true, principal: { personId: person.id, username: person.username, name: person.name, site: row.site, roles: [role], via: 'token' } };
}
