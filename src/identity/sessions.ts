/**
 * Sessions: started at sign-in, resumed on each request (still within its idle timeout and lifetime, the
 * person still active), rotated at every signature, ended at logout, expiry, deactivation or lockout. Each
 * end is audited. The session id lives only in the cookie; the tables keep its SHA-256.
 */
import type { PersonState } from '../domain/resources/person-state.ts';
import type { Refusal } from '../domain/shared/refusal.ts';
import { IDENTITY_ACTOR, sessionRef } from './audit.ts';
import type { Identity } from './identity.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { idleTimeoutAt, sessionStatus, type SessionEndReason } from './session-rules.ts';
import type { CredentialRow, SessionRow } from './store/identity-store.ts';

/** A session as its holder gets it: the id for the cookie, once. */
export interface StartedSession {
  readonly id: string;
  readonly row: SessionRow;
}

/** The idle timeout of sessions at a site. */
export function idleTimeoutOf(identity: Identity, site: string): number {
  return idleTimeoutAt(site, identity.settings.idleTimeoutMs, identity.settings.idleTimeoutBySite);
}

/** Starts a session for a person at a site (after their password was checked). */
export async function startSession(identity: Identity, personId: string, site: string): Promise<StartedSession> {
  const now = identity.now();
  const id = newSecret();
  const row: SessionRow = {
    idHash: hashSecret(id),
    personId,
    site,
    csrfToken: newSecret(),
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + identity.settings.sessionLifetimeMs).toISOString(),
  };
  await identity.store.createSession(row);
  return { id, row };
}

export type Resumed =
  | { readonly ok: true; readonly session: SessionRow; readonly person: PersonState; readonly credential: CredentialRow }
  | { readonly ok: false; readonly refusal: Refusal };

const expired = (why: string): Refusal => ({ code: 'session_expired', message: `Your session ended ${why}; sign in again`, details: {} });
const unknown: Refusal = { code: 'session_invalid', message: 'This session is not valid (it ended, or was replaced when you signed); sign in again', details: {} };

/** Finds the session of a cookie and checks it is still valid; ends it (audited) when it is not. */
export async function resumeSession(identity: Identity, sessionId: string): Promise<Resumed> {
  const idHash = hashSecret(sessionId);
  const session = await identity.store.session(idHash);
  if (session === undefined) return { ok: false, refusal: unknown };
  const now = identity.now();
  const status = sessionStatus(session, now, idleTimeoutOf(identity, session.site), identity.settings.touchEveryMs);
  if (!status.valid) {
    await endSession(identity, idHash, status.reason);
    return { ok: false, refusal: expired(status.reason === 'idle' ? 'after a time without activity' : 'at the end of its maximum lifetime') };
  }
  const [person, credential] = await Promise.all([identity.person(session.personId), identity.store.credentialOf(session.personId)]);
  if (person === undefined || !person.active || credential === undefined) {
    await endSessionsOf(identity, session.personId, 'disabled');
    return { ok: false, refusal: { code: 'session_expired', message: 'Your account is deactivated; your session has ended', details: {} } };
  }
  if (status.touch) await identity.store.touchSession(idHash, now.toISOString());
  return { ok: true, session, person, credential };
}

/** Ends one session, auditing why; false when it had already ended. */
export async function endSession(identity: Identity, idHash: string, reason: SessionEndReason, actor?: string): Promise<boolean> {
  const ended = await identity.store.deleteSession(idHash);
  if (ended === undefined) return false;
  await identity.audit(actor ?? (reason === 'logout' ? ended.personId : IDENTITY_ACTOR), {
    type: 'SessionEnded',
    data: { personId: ended.personId, site: ended.site, session: sessionRef(ended.idHash), reason },
  });
  return true;
}

/** Ends every session of a person (but `keepIdHash`), auditing each. */
export async function endSessionsOf(identity: Identity, personId: string, reason: SessionEndReason, options: { keepIdHash?: string; actor?: string } = {}): Promise<number> {
  const ended = await identity.store.deleteSessionsOf(personId, options.keepIdHash);
  await identity.audit(
    options.actor ?? IDENTITY_ACTOR,
    ...ended.map((s) => ({ type: 'SessionEnded' as const, data: { personId: s.personId, site: s.site, session: sessionRef(s.idHash), reason } })),
  );
  return ended.length;
}

/** Gives a session a new id (after a signature): the old id stops working at once. */
export async function rotateSession(identity: Identity, session: SessionRow): Promise<StartedSession | undefined> {
  const id = newSecret();
  const idHash = hashSecret(id);
  const at = identity.now().toISOString();
  if (!(await identity.store.rotateSession(session.idHash, idHash, at))) return undefined;
  await identity.audit(session.personId, {
    type: 'SessionRotated',
    data: { personId: session.personId, site: session.site, from: sessionRef(session.idHash), to: sessionRef(idHash), reason: 'signature' },
  });
  return { id, row: { ...session, idHash, lastSeenAt: at } };
}

/**
 * Ends every session past its idle timeout or lifetime (audited): sessions nobody uses again would otherwise
 * stay in the table. The server runs it every few minutes; sign-in runs it for the person signing in.
 */
export async function sweepSessions(identity: Identity, personId?: string): Promise<number> {
  const now = identity.now();
  const sessions = personId === undefined ? await identity.store.allSessions() : await identity.store.sessionsOf(personId);
  let ended = 0;
  for (const s of sessions) {
    const status = sessionStatus(s, now, idleTimeoutOf(identity, s.site), identity.settings.touchEveryMs);
    if (!status.valid && (await endSession(identity, s.idHash, status.reason))) ended++;
  }
  return ended;
}
