/**
 * The identity service as the server opens it: its tables in the configured database, the settings from the
 * environment, the sweep of expired sessions running. One call for the application's wiring.
 */
import type { Config } from '../config.ts';
import type { Engine } from '../engine/engine.ts';
import { createIdentity, type Identity } from './identity.ts';
import { loadIdentitySettings } from './settings.ts';
import { openIdentityStore } from './store/open-identity-store.ts';
import { startSessionSweeper } from './sweeper.ts';

export interface OpenIdentityOptions {
  readonly config: Config;
  /** The engine on the event store of the same configuration. */
  readonly engine: Engine;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

/** Opens the identity service; `close` stops the sweep and closes its tables (before the event store). */
export async function openIdentity(options: OpenIdentityOptions): Promise<{ readonly identity: Identity; close(): Promise<void> }> {
  const settings = loadIdentitySettings(options.env ?? process.env);
  const store = await openIdentityStore(options.config);
  const identity = createIdentity({ store, engine: options.engine, settings, ...(options.now ? { now: options.now } : {}) });
  const stopSweeper = startSessionSweeper(identity);
  return {
    identity,
    async close() {
      stopSweeper();
      await store.close();
    },
  };
}
