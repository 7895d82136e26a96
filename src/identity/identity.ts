/**
 * The identity service's wiring: its tables, the engine (people are read from their streams on every
 * request, so a deactivation or a revoked role takes effect at once), the settings, the clock and the
 * waiting. Every operation (login.ts, sessions.ts, ...) takes this one value.
 */
import type { Engine } from '../engine/engine.ts';
import type { PersonState } from '../domain/resources/person-state.ts';
import { appendSecurityEvents, type SecurityEvent } from './audit.ts';
import { DEFAULT_IDENTITY_SETTINGS, type IdentitySettings } from './settings.ts';
import type { IdentityStore } from './store/identity-store.ts';

export interface IdentityOptions {
  readonly store: IdentityStore;
  readonly engine: Engine;
  /** Default: {@link DEFAULT_IDENTITY_SETTINGS}; the server passes `loadIdentitySettings()`. */
  readonly settings?: IdentitySettings;
  /** The clock of every session and lockout decision (tests move it). */
  readonly now?: () => Date;
  /** Waits before a failed attempt is answered (tests record the delay instead of waiting it). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Operator warnings (insecure cookie fallback). */
  readonly warn?: (message: string) => void;
}

export interface Identity {
  readonly store: IdentityStore;
  readonly engine: Engine;
  readonly settings: IdentitySettings;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly warn: (message: string) => void;
  /** Appends security facts to the ledger (stream `security`). */
  audit(actor: string, ...facts: SecurityEvent[]): Promise<void>;
  /** The person's current record, or undefined when there is no such person. */
  person(personId: string): Promise<PersonState | undefined>;
}

/** Builds the identity service. */
export function createIdentity(options: IdentityOptions): Identity {
  const { store, engine } = options;
  return Object.freeze({
    store,
    engine,
    settings: options.settings ?? DEFAULT_IDENTITY_SETTINGS,
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    warn: options.warn ?? ((message: string) => console.warn(`[identity] ${message}`)),
    audit: (actor: string, ...facts: SecurityEvent[]) => appendSecurityEvents(engine.store, actor, facts),
    async person(personId: string) {
      const loaded = await engine.load<PersonState>('person', personId);
      return loaded.version === 0 || !loaded.state.registered ? undefined : loaded.state;
    },
  });
}
