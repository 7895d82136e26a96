/**
 * Who is signed in, for the whole app. When any request finds the session gone (401), the person is sent to
 * the login page with the server's sentence, and comes back to where they were after signing in again.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { onSessionExpired } from '../api/client.ts';
import { currentSession, signIn as apiSignIn, signOut as apiSignOut, type Session } from '../api/session.ts';

export interface SessionState {
  readonly status: 'loading' | 'signed-out' | 'signed-in';
  readonly session?: Session;
  /** Why the person was signed out, shown on the login page. */
  readonly message?: string;
  signIn(username: string, password: string, site?: string): Promise<Session>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [status, setStatus] = useState<SessionState['status']>('loading');
  const [session, setSession] = useState<Session | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const navigate = useNavigate();
  const location = useLocation();

  const refresh = useCallback(async () => {
    try {
      const found = await currentSession();
      setSession(found);
      setStatus(found === undefined ? 'signed-out' : 'signed-in');
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
      setStatus('signed-out');
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(
    () =>
      onSessionExpired((problem) => {
        setSession(undefined);
        setStatus('signed-out');
        setMessage(`Your session has ended: ${problem.problem.detail || 'please sign in again.'}`);
        const here = `${location.pathname}${location.search}`;
        if (location.pathname !== '/login') navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
      }),
    [navigate, location.pathname, location.search],
  );

  const value = useMemo<SessionState>(
    () => ({
      status,
      ...(session !== undefined ? { session } : {}),
      ...(message !== undefined ? { message } : {}),
      async signIn(username, password, site) {
        const s = await apiSignIn(username, password, site);
        setSession(s);
        setMessage(undefined);
        setStatus('signed-in');
        return s;
      },
      async signOut() {
        try {
          await apiSignOut();
        } finally {
          setSession(undefined);
          setMessage('You have signed out.');
          setStatus('signed-out');
        }
      },
      refresh,
    }),
    [status, session, message, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (state === undefined) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in person (only inside pages that require one). */
export function usePerson(): Session {
  const { session } = useSession();
  if (session === undefined) throw new Error('no session');
  return session;
}

export const hasRole = (session: Session, ...roles: string[]) => roles.some((r) => session.roles.includes(r));
