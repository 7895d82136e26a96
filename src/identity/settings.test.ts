/** Identity settings from the environment. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { DEFAULT_IDENTITY_SETTINGS, loadIdentitySettings } from './settings.ts';

describe('identity settings', () => {
  it('defaults: 15 min idle, 12 h absolute, locked after 5 failures for 30 min', () => {
    expect(loadIdentitySettings({})).toEqual(DEFAULT_IDENTITY_SETTINGS);
    expect(DEFAULT_IDENTITY_SETTINGS).toMatchObject({ idleTimeoutMs: 900_000, sessionLifetimeMs: 43_200_000, lockout: { maxFailures: 5, lockMs: 1_800_000 } });
  });

  it('reads every setting', () => {
    const s = loadIdentitySettings({
      BES_IDLE_TIMEOUT_MINUTES: '10',
      BES_IDLE_TIMEOUT_BY_SITE: 'LINE-3=5, LAB=30',
      BES_SESSION_MAX_HOURS: '8',
      BES_LOCKOUT_ATTEMPTS: '4',
      BES_LOCKOUT_MINUTES: '0',
      BES_PUBLIC_ORIGIN: 'https://BES.plant.example/',
      BES_ALLOWED_ORIGINS: 'https://ui.plant.example, http://localhost:5173',
    });
    expect(s).toMatchObject({
      idleTimeoutMs: 600_000,
      idleTimeoutBySite: { 'LINE-3': 300_000, LAB: 1_800_000 },
      sessionLifetimeMs: 28_800_000,
      lockout: { maxFailures: 4, lockMs: null },
      publicOrigin: 'https://bes.plant.example',
      allowedOrigins: ['https://ui.plant.example', 'http://localhost:5173'],
    });
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('refuses values out of range, in a sentence', () => {
    expect(() => loadIdentitySettings({ BES_IDLE_TIMEOUT_MINUTES: '0' })).toThrow(ConfigError);
    expect(() => loadIdentitySettings({ BES_SESSION_MAX_HOURS: '48' })).toThrow(/BES_SESSION_MAX_HOURS must be a whole number from 1 to 24, got 48/);
    expect(() => loadIdentitySettings({ BES_IDLE_TIMEOUT_BY_SITE: 'LINE-3' })).toThrow(ConfigError);
    expect(() => loadIdentitySettings({ BES_PUBLIC_ORIGIN: 'bes.plant.example' })).toThrow(/BES_PUBLIC_ORIGIN/);
    expect(() => loadIdentitySettings({ BES_LOCKOUT_ATTEMPTS: '1' })).toThrow(ConfigError);
  });
});
