/** Ends expired sessions every few minutes, so their ends are audited close to when they happened. */
import type { Identity } from './identity.ts';
import { sweepSessions } from './sessions.ts';

/** Starts the sweep; returns the function that stops it. */
export function startSessionSweeper(identity: Identity, everyMs = 60_000, onError: (error: unknown) => void = (e) => console.error('[identity]', e)): () => void {
  const timer = setInterval(() => {
    sweepSessions(identity).catch(onError);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
