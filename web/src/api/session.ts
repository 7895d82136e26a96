/**
 * Sign-in, the current session and sign-out (docs/identity.md): POST, GET and DELETE /api/session. The
 * session cookie is HttpOnly; the CSRF token comes in the body and goes back in X-CSRF-Token.
 */
import { api, setCsrfToken } from './client.ts';

export interface Session {
  readonly personId: string;
  readonly username: string;
  readonly name: string;
  readonly site: string;
  readonly roles: readonly string[];
  readonly csrfToken?: string;
  /** Whether the person has acknowledged that their e-signature is binding (21 CFR 11.100(c)). */
  readonly esignatureAcknowledged?: boolean;
  readonly expiresAt?: string;
  readonly idleTimeoutMs?: number;
}

type Loose = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The session from the server's answer, whether it nests the principal or not. */
export function sessionOf(body: unknown): Session {
  const b = (body ?? {}) as Loose;
  const p = ((b.principal ?? b.person ?? b.user ?? b) as Loose) ?? {};
  const roles = (p.roles ?? b.roles ?? []) as string[];
  const ack = b.esignatureAcknowledged ?? p.esignatureAcknowledged ?? (b.esignature as Loose | undefined)?.acknowledged;
  const csrf = str(b.csrfToken) ?? str(b.csrf);
  const expiresAt = str(b.expiresAt) ?? str((b.session as Loose | undefined)?.expiresAt);
  const idle = b.idleTimeoutMs ?? (b.session as Loose | undefined)?.idleTimeoutMs;
  return {
    personId: str(p.personId) ?? str(p.id) ?? '',
    username: str(p.username) ?? '',
    name: str(p.name) ?? str(p.username) ?? '',
    site: str(p.site) ?? str(b.site) ?? '',
    roles: Array.isArray(roles) ? roles : [],
    ...(csrf !== undefined ? { csrfToken: csrf } : {}),
    ...(typeof ack === 'boolean' ? { esignatureAcknowledged: ack } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(typeof idle === 'number' ? { idleTimeoutMs: idle } : {}),
  };
}

function remember(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}

/** Who is signed in, or undefined when nobody is. */
export async function currentSession(): Promise<Session | undefined> {
  try {
    return remember(sessionOf(await api('/api/session', { authProbe: true })));
  } catch (error) {
    if ((error as { status?: number }).status === 401) {
      setCsrfToken(undefined);
      return undefined;
    }
    throw error;
  }
}

export async function signIn(username: string, password: string, site?: string): Promise<Session> {
  const body = { username, password, ...(site ? { site } : {}) };
  const answer = await api('/api/session', { method: 'POST', body, authProbe: true });
  const session = sessionOf(answer);
  // Some servers answer the login with the cookie only: ask who we are.
  return session.personId === '' || session.csrfToken === undefined ? ((await currentSession()) ?? remember(session)) : remember(session);
}

export async function signOut(): Promise<void> {
  try {
    await api('/api/session', { method: 'DELETE', authProbe: true });
  } finally {
    setCsrfToken(undefined);
  }
}

/** Demo mode: the seeded people and their passwords, shown on the login page (GET /api/demo). */
export interface DemoInfo {
  readonly site: string;
  readonly people: readonly { readonly username: string; readonly password: string; readonly name?: string; readonly roles?: readonly string[] }[];
}

/** The demo credentials when the server runs in demo mode; undefined otherwise (404) or when unknown. */
export async function demoInfo(): Promise<DemoInfo | undefined> {
  try {
    const body = await api<Loose>('/api/demo', { authProbe: true });
    if (body.demo === false || !Array.isArray(body.people)) return undefined;
    return { site: str(body.site) ?? '', people: body.people as DemoInfo['people'] };
  } catch {
    return undefined;
  }
}
