/**
 * Sign-in, the current session and sign-out (docs/identity.md): POST, GET and DELETE /api/session. The
 * session cookie is HttpOnly; the CSRF token comes in the body and goes back in X-CSRF-Token.
 */
import { api, seg, setCsrfToken } from './client.ts';

/** GET /api/session (the Session schema of the OpenAPI document). */
export interface Session {
  readonly personId: string;
  readonly username: string;
  readonly name: string;
  readonly site: string;
  readonly roles: readonly string[];
  readonly via: 'session' | 'token';
  readonly csrfToken?: string;
  readonly accountKind?: 'personal' | 'generic';
  /** A temporary password (set by an admin) must be changed before anything else. */
  readonly mustChangePassword?: boolean;
  readonly idleTimeoutSeconds?: number;
  readonly expiresAt?: string;
  /** Whether the person has acknowledged that their e-signature is binding (21 CFR 11.100(c)), and the text. */
  readonly esignature?: { readonly acknowledged: boolean; readonly acknowledgedTextVersion: string | null; readonly textVersion: string; readonly text: string };
}

function remember(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}

/** Who is signed in, or undefined when nobody is. */
export async function currentSession(): Promise<Session | undefined> {
  try {
    return remember(await api<Session>('/api/session', { authProbe: true }));
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
  const answer = await api<Session | undefined>('/api/session', { method: 'POST', body, authProbe: true });
  // The login answers with the session; should it answer with the cookie only, ask who we are.
  if (answer !== undefined && answer.personId !== undefined && answer.csrfToken !== undefined) return remember(answer);
  const found = await currentSession();
  if (found === undefined) throw new Error('Signed in, but the server does not know the session.');
  return found;
}

export async function signOut(): Promise<void> {
  try {
    await api('/api/session', { method: 'DELETE', authProbe: true });
  } finally {
    setCsrfToken(undefined);
  }
}

/** Accepts the e-signature statement with the password (before the first signature). */
export const acknowledgeESignature = (textVersion: string, password: string) =>
  api('/api/session/esignature-acknowledgement', { method: 'POST', body: { textVersion, password } });

/** Changes one's own password (a temporary one must be changed at first sign-in). */
export const changePassword = (personId: string, currentPassword: string, password: string) =>
  api(`/api/people/${seg(personId)}/password`, { method: 'PUT', body: { currentPassword, password } });

/** Demo mode: the seeded people and their passwords, shown on the login page (GET /api/demo). */
export interface DemoInfo {
  readonly site: string;
  readonly people: readonly { readonly username: string; readonly password: string; readonly name?: string; readonly roles?: readonly string[] }[];
}

/** The demo credentials when the server runs in demo mode; undefined otherwise (404). */
export async function demoInfo(): Promise<DemoInfo | undefined> {
  try {
    const body = await api<Partial<DemoInfo> & { demo?: boolean }>('/api/demo', { authProbe: true });
    if (body.demo === false || !Array.isArray(body.people)) return undefined;
    return { site: body.site ?? '', people: body.people };
  } catch {
    return undefined;
  }
}
