/** Opening identity the way the server will: the data folder's database, settings from the environment. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createEngine } from '../engine/engine.ts';
import { openStore } from '../store/open-store.ts';
import { openIdentity } from './open-identity.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('openIdentity', () => {
  it('opens the identity tables beside the event store, with the settings of the environment', async () => {
    const data = await mkdtemp(join(tmpdir(), 'bes-open-identity-'));
    dirs.push(data);
    const config = loadConfig({ data }, {});
    const store = await openStore(config);
    const opened = await openIdentity({ config, engine: createEngine({ store }), env: { BES_IDLE_TIMEOUT_MINUTES: '7' } });
    try {
      expect(opened.identity.settings.idleTimeoutMs).toBe(7 * 60_000);
      expect(await opened.identity.store.reserveUsername({ personId: 'u-1', username: 'one', accountKind: 'personal', createdAt: '2026-11-24T08:00:00.000Z' })).toBe('reserved');
    } finally {
      await opened.close();
      await store.close();
    }
  });
});
