/**
 * Identity settings: defaults, then environment, parsed once into a frozen value (see docs/identity.md).
 */
import { ConfigError } from '../config.ts';
import type { LockoutPolicy } from './lockout.ts';
import { normaliseOrigin } from './request-rules.ts';

export interface IdentitySettings {
  /** Idle timeout of a session, unless its site has its own. */
  readonly idleTimeoutMs: number;
  /** Idle timeouts by site id (shop-floor terminals: shorter). */
  readonly idleTimeoutBySite: Readonly<Record<string, number>>;
  /** Absolute lifetime of a session from sign-in, whatever the activity. */
  readonly sessionLifetimeMs: number;
  readonly lockout: LockoutPolicy;
  /** The origin people reach the server at (behind a TLS proxy: its https origin); default: the request's. */
  readonly publicOrigin: string | undefined;
  /** Other origins allowed to send state-changing requests with a session. */
  readonly allowedOrigins: readonly string[];
  /** Least time between two writes of a session's last-seen time. */
  readonly touchEveryMs: number;
}

const MINUTE = 60_000;

export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = Object.freeze({
  idleTimeoutMs: 15 * MINUTE,
  idleTimeoutBySite: Object.freeze({}),
  sessionLifetimeMs: 12 * 60 * MINUTE,
  lockout: Object.freeze({ maxFailures: 5, lockMs: 30 * MINUTE }),
  publicOrigin: undefined,
  allowedOrigins: Object.freeze([]),
  touchEveryMs: 30_000,
});

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${text}`);
  return n;
}

function origin(name: string, text: string): string {
  const o = normaliseOrigin(text.trim());
  if (o === undefined || o === 'null') throw new ConfigError(`${name} must hold origins such as https://bes.example.com, got ${text}`);
  return o;
}

/** "PLANT-A=5,LAB=30" → minutes by site, as milliseconds. */
function bySite(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [site, minutes, ...rest] = part.split('=').map((p) => p.trim());
    if (!site || minutes === undefined || minutes === '' || rest.length > 0) throw new ConfigError(`BES_IDLE_TIMEOUT_BY_SITE must look like "PLANT-A=5,LAB=30", got "${part}"`);
    out[site] = integer(`BES_IDLE_TIMEOUT_BY_SITE (${site})`, minutes, 1, 1440)! * MINUTE;
  }
  return out;
}

/** Reads the identity settings from the environment. */
export function loadIdentitySettings(env: NodeJS.ProcessEnv = process.env): IdentitySettings {
  const d = DEFAULT_IDENTITY_SETTINGS;
  const idle = integer('BES_IDLE_TIMEOUT_MINUTES', env.BES_IDLE_TIMEOUT_MINUTES, 1, 1440);
  const hours = integer('BES_SESSION_MAX_HOURS', env.BES_SESSION_MAX_HOURS, 1, 24);
  const attempts = integer('BES_LOCKOUT_ATTEMPTS', env.BES_LOCKOUT_ATTEMPTS, 3, 10);
  const lockMinutes = integer('BES_LOCKOUT_MINUTES', env.BES_LOCKOUT_MINUTES, 0, 10_080);
  const publicOrigin = env.BES_PUBLIC_ORIGIN?.trim() ? origin('BES_PUBLIC_ORIGIN', env.BES_PUBLIC_ORIGIN) : undefined;
  const allowed = (env.BES_ALLOWED_ORIGINS ?? '').split(',').filter((o) => o.trim() !== '').map((o) => origin('BES_ALLOWED_ORIGINS', o));
  return Object.freeze({
    idleTimeoutMs: idle === undefined ? d.idleTimeoutMs : idle * MINUTE,
    idleTimeoutBySite: Object.freeze(bySite(env.BES_IDLE_TIMEOUT_BY_SITE)),
    sessionLifetimeMs: hours === undefined ? d.sessionLifetimeMs : hours * 60 * MINUTE,
    lockout: Object.freeze({
      maxFailures: attempts ?? d.lockout.maxFailures,
      // 0: a lock lasts until an admin unlocks the account.
      lockMs: lockMinutes === undefined ? d.lockout.lockMs : lockMinutes === 0 ? null : lockMinutes * MINUTE,
    }),
    publicOrigin,
    allowedOrigins: Object.freeze(allowed),
    touchEveryMs: d.touchEveryMs,
  });
}
