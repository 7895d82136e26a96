import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLedgerStore, type LedgerStore } from '../../store/ledger-store.ts';
import { openSqliteBackend } from '../../store/sqlite/backend.ts';
import { openPostgresBackend } from '../../store/postgres/backend.ts';
import { createTestDatabase, postgresAvailable, requirePostgresInCi } from '../../store/postgres/test-database.ts';
import { runFeed } from './event-feed.ts';

const pg = await postgresAvailable();
requirePostgresInCi(pg);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function store(engine: 'sqlite' | 'postgres' = 'sqlite'): Promise<LedgerStore> {
  if (engine === 'postgres') {
    const db = await createTestDatabase('bes_feed');
    const s = await createLedgerStore({ backend: await openPostgresBackend({ connectionString: db.url }) });
    cleanups.push(db.drop, () => s.close());
    return s;
  }
  const dir = await mkdtemp(join(tmpdir(), 'bes-feed-'));
  const s = await createLedgerStore({ backend: openSqliteBackend({ file: join(dir, 'openbes.db') }) });
  cleanups.push(() => rm(dir, { recursive: true, force: true }), () => s.close());
  return s;
}

const append = (s: LedgerStore, i: number) => s.append({ streamId: `batch-${i % 3}`, events: [{ type: 'StepCompleted', data: { i } }], expectedVersion: 'any', actor: 'op' });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a feed until `count` events are delivered (delivery slowed by `delayMs`), while `write` appends. */
async function feed(s: LedgerStore, after: number, count: number, options: { delayMs: number; maxQueue?: number; pageSize?: number }, write: () => Promise<void>): Promise<number[]> {
  const seen: number[] = [];
  const stop = new AbortController();
  const running = runFeed({
    store: s,
    after,
    signal: stop.signal,
    ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    deliver: async (e) => {
      seen.push(e.globalPosition);
      if (seen.length >= count) stop.abort();
      await pause(options.delayMs);
    },
  });
  await write();
  await running;
  return seen;
}

describe('runFeed', () => {
  for (const engine of ['sqlite', 'postgres'] as const) {
    const skip = engine === 'postgres' && !pg.ok;
    it.skipIf(skip)(`catches up, then goes live, without a gap or a duplicate while events keep coming, on ${engine}${skip && !pg.ok ? ` (skipped: ${pg.reason})` : ''}`, async () => {
      const s = await store(engine);
      for (let i = 1; i <= 25; i++) await append(s, i);
      const seen = await feed(s, 5, 55, { delayMs: 1, pageSize: 7 }, async () => {
        for (let i = 26; i <= 60; i++) {
          await append(s, i);
          if (i % 5 === 0) await pause(3);
        }
      });
      expect(seen).toEqual(Array.from({ length: 55 }, (_, i) => i + 6));
    });
  }

  it('falls back to catching up when a slow consumer lets live events pile up, still in order', async () => {
    const s = await store();
    const seen = await feed(s, 0, 40, { delayMs: 5, maxQueue: 2 }, async () => {
      for (let i = 1; i <= 40; i++) await append(s, i);
    });
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('stops when aborted while waiting, and unsubscribes', async () => {
    const s = await store();
    let live = 0;
    const counting = {
      readAll: s.readAll.bind(s),
      subscribe: (after: number, handler: Parameters<LedgerStore['subscribe']>[1]) => {
        live++;
        const off = s.subscribe(after, handler);
        return () => {
          live--;
          off();
        };
      },
    };
    const stop = new AbortController();
    const running = runFeed({ store: counting, after: 0, signal: stop.signal, deliver: async () => {} });
    await pause(30);
    expect(live).toBe(1);
    stop.abort();
    await running;
    expect(live).toBe(0);
  });
});
