/**
 * Group commit without savepoints: what only a failing database can show. (Refusals of single commands and
 * read-your-writes within a group are in the contract suite, on both engines.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, WriteTx } from './backend.ts';
import type { AppendRequest } from './event-store.ts';
import { createLedgerStore, type LedgerStore } from './ledger-store.ts';
import { openSqliteBackend } from './sqlite/backend.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A SQLite store whose write transactions fail the document reads `failRead` picks, as a broken database would. */
async function storeWithFailingReads(
  failRead: (collection: string, id: string) => boolean,
): Promise<{ store: LedgerStore; writes: () => number; prefetches: string[][] }> {
  const dir = await mkdtemp(join(tmpdir(), 'bes-group-'));
  const inner = openSqliteBackend({ file: join(dir, 'store.db') });
  let writes = 0;
  const prefetches: string[][] = [];
  const backend: Backend = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'write') {
        return <T>(work: (tx: WriteTx) => Promise<T>) =>
          target.write((tx) => {
            writes += 1;
            const failing: WriteTx = {
              lockLog: () => tx.lockLog(),
              streamHeads: (ids) => {
                prefetches.push(['heads', ...ids]);
                return tx.streamHeads(ids);
              },
              findIdempotencies: (keys) => {
                prefetches.push(['keys', ...keys]);
                return tx.findIdempotencies(keys);
              },
              getDocument: async (collection, id) => {
                if (failRead(collection, id)) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_READ' });
                return tx.getDocument(collection, id);
              },
              insertEvents: (rows) => tx.insertEvents(rows),
              flush: (changes) => tx.flush(changes),
            };
            return work(failing);
          });
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const store = await createLedgerStore({ backend });
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { store, writes: () => writes, prefetches };
}

const request = (i: number, project?: AppendRequest['project']): AppendRequest => ({
  streamId: `s-${i}`,
  events: [{ type: 'E', data: { i } }],
  expectedVersion: 'no_stream',
  actor: 'u',
  idempotencyKey: `k-${i}`,
  ...(project === undefined ? {} : { project }),
});

describe('group commit', () => {
  it('fails the whole group with the database error, even when a projector swallowed it', async () => {
    const { store, writes } = await storeWithFailingReads((_c, id) => id === 'broken');
    const outcomes = await Promise.allSettled([
      store.append(request(1, (tx) => tx.put('docs', 'one', { n: 1 }))),
      store.append(
        request(2, async (tx) => {
          // A careless projector: the read failed, it carries on.
          const doc = await tx.get('docs', 'broken').catch(() => undefined);
          await tx.put('docs', 'two', { doc: doc ?? null });
        }),
      ),
      store.append(request(3, (tx) => tx.put('docs', 'three', { n: 3 }))),
    ]);
    expect(writes()).toBe(1);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_IOERR_READ' });
    }
    expect((await store.head()).size).toBe(0);
    expect(await store.listDocuments('docs')).toEqual([]);
    expect(await store.findIdempotent('k-1')).toBeUndefined();
    // Nothing was consumed: the same requests go through once the database reads again.
    const again = await Promise.all([1, 3].map((i) => store.append(request(i))));
    expect(again.map((r) => [r.replayed, r.firstGlobalPosition])).toEqual([
      [false, 1],
      [false, 2],
    ]);
  });

  it('reads each document a group needs once, and the stream heads and keys of all its commands in one query each', async () => {
    const reads: string[] = [];
    const { store, prefetches } = await storeWithFailingReads((collection, id) => {
      reads.push(`${collection}/${id}`);
      return false;
    });
    await store.append(request(0, (tx) => tx.put('docs', 'shared', { n: 0 })));
    reads.length = 0;
    prefetches.length = 0;
    const bump = (i: number) =>
      store.append(
        request(i, async (tx) => {
          const doc = (await tx.get<{ n: number }>('docs', 'shared'))!;
          await tx.put('docs', 'shared', { n: doc.n + 1 });
          await tx.get('docs', 'absent');
        }),
      );
    await Promise.all([1, 2, 3, 4].map(bump));
    expect(reads).toEqual(['docs/shared', 'docs/absent']);
    expect(prefetches).toEqual([
      ['heads', 's-1', 's-2', 's-3', 's-4'],
      ['keys', 'k-1', 'k-2', 'k-3', 'k-4'],
    ]);
    expect(await store.getDocument('docs', 'shared')).toEqual({ n: 4 });
  });
});
