/**
 * Signing within a session (21 CFR 11.200(a)): the signer's own password again, by the person of the
 * session (never an API token, never a shared account), after their acknowledgement that the signature
 * binds them (11.100(c)). Success rotates the session id, so an id seen before the signature is worthless.
 */
import { esignatureCheck } from '../domain/resources/person-rules.ts';
import type { SignatureInput } from '../domain/execution/batch-commands.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import type { Principal, SignatureRequest } from '../server/principal.ts';
import type { Identity } from './identity.ts';
import { reauthenticate } from './reauthenticate.ts';
import { rotateSession, type StartedSession } from './sessions.ts';

export type SigningResult =
  | { readonly ok: true; readonly signature: SignatureInput; readonly session: StartedSession }
  | { readonly ok: false; readonly refusal: Refusal; readonly sessionsEnded: boolean };

const no = (code: string, message: string): SigningResult => ({ ok: false, refusal: { code, message, details: {} }, sessionsEnded: false });

/** Re-authenticates the principal for a signature bound to `recordHash`. */
export async function signInSession(identity: Identity, principal: Principal, request: SignatureRequest, recordHash: string): Promise<SigningResult> {
  if (principal.via !== 'session' || principal.sessionId === undefined)
    return no('signature_needs_session', 'Electronic signatures are made by a person signed in with their password, not with an API token');
  const session = await identity.store.session(principal.sessionId);
  if (session === undefined || session.personId !== principal.personId) return no('session_invalid', 'Your session has ended; sign in again to sign');
  const credential = await identity.store.credentialOf(principal.personId);
  if (credential?.accountKind !== 'personal') return no('generic_account', 'A shared account cannot sign: a signature belongs to one person');
  const acknowledged = esignatureCheck(await identity.person(principal.personId));
  if (acknowledged) return { ok: false, refusal: { ...acknowledged, details: { personId: principal.personId } }, sessionsEnded: false };
  const proven = await reauthenticate(
    identity,
    { personId: principal.personId, site: principal.site, purpose: 'signature', meaning: request.meaning, recordHash },
    request.password,
  );
  if (!proven.ok) return proven;
  const rotated = await rotateSession(identity, session);
  if (rotated === undefined) return no('session_invalid', 'Your session has ended; sign in again to sign');
  return { ok: true, signature: { meaning: request.meaning, recordHash }, session: rotated };
}
