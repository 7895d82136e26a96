/**
 * The one contract every backend passes, on a real database: ordering, optimistic concurrency,
 * idempotency, atomicity, immutability, subscriptions and tamper evidence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedStore, StoreFixture } from './fixture.ts';
import { ConcurrencyError, IdempotencyKeyReusedError, InvalidAppendError } from '../errors.ts';
import type { RecordedEvent } from '../event-store.ts';
import { verifyStore } from '../verify-store.ts';

const ev = (type: string, data: unknown = {}) => ({ type, data });

/** Verifies the opened store as `bes verify` would. */
export function verifyOpened(opened: OpenedStore) {
  return verifyStore(opened.store.backend, { checkpointFile: opened.checkpointFile, keysDir: opened.keysDir });
}

export function storeContract(fixture: StoreFixture): void {
  const suite = fixture.skipReason === undefined ? describe : describe.skip;
  suite(`event store contract: ${fixture.name}${fixture.skipReason ? ` (skipped: ${fixture.skipReason})` : ''}`, () => {
    let opened: OpenedStore | undefined;
    const open = async (options?: Parameters<StoreFixture['open']>[0]) => {
      opened = await fixture.open(options);
      return opened;
    };
    afterEach(async () => {
      await opened?.dispose();
      opened = undefined;
    });

    it('appends to a stream and reads it back in order, with contiguous global positions', async () => {
      const { store } = await open();
      const r1 = await store.append({ streamId: 'batch-1', events: [ev('BatchCreated', { qty: 1 }), ev('StepStarted')], expectedVersion: 'no_stream', actor: 'u1' });
      const r2 = await store.append({ streamId: 'batch-2', events: [ev('BatchCreated')], expectedVersion: 'no_stream', actor: 'u2' });
      const r3 = await store.append({ streamId: 'batch-1', events: [ev('StepCompleted', { v: [1, 2] })], expectedVersion: 2, actor: 'u1' });
      expect([r1.firstGlobalPosition, r1.lastGlobalPosition, r1.nextVersion]).toEqual([1, 2, 2]);
      expect([r2.firstGlobalPosition, r3.firstGlobalPosition, r3.nextVersion]).toEqual([3, 4, 3]);
      const stream = await store.readStream('batch-1');
      expect(stream.map((e) => [e.streamPosition, e.globalPosition, e.type])).toEqual([
        [1, 1, 'BatchCreated'],
        [2, 2, 'StepStarted'],
        [3, 4, 'StepCompleted'],
      ]);
      expect(stream[2]!.data).toEqual({ v: [1, 2] });
      expect(stream[1]!.prevHash).toBe(stream[0]!.hash);
      const all = await store.readAll({ after: 1, limit: 2 });
      expect(all.map((e) => e.globalPosition)).toEqual([2, 3]);
      expect(await store.streamVersion('batch-1')).toBe(3);
      expect(await store.streamVersion('nope')).toBe(0);
      expect((await store.head()).size).toBe(4);
    });

    it('takes time from the injected server clock, never from the caller', async () => {
      const { store } = await open({ clock: () => new Date('2026-11-25T08:00:00.000Z') });
      await store.append({ streamId: 's', events: [ev('E')], expectedVersion: 'any', actor: 'u' });
      expect((await store.readStream('s'))[0]!.recordedAt).toBe('2026-11-25T08:00:00.000Z');
    });

    it('refuses a wrong expected version with the current version, and writes nothing', async () => {
      const { store } = await open();
      await store.append({ streamId: 's', events: [ev('A'), ev('B')], expectedVersion: 'no_stream', actor: 'u' });
      const err = await store.append({ streamId: 's', events: [ev('C')], expectedVersion: 1, actor: 'u' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConcurrencyError);
      expect((err as ConcurrencyError).currentVersion).toBe(2);
      await expect(store.append({ streamId: 's', events: [ev('C')], expectedVersion: 'no_stream', actor: 'u' })).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await store.head()).size).toBe(2);
    });

    it('lets exactly one of many parallel appends with the same expected version win', async () => {
      const { store } = await open();
      await store.append({ streamId: 's', events: [ev('A')], expectedVersion: 'no_stream', actor: 'u' });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => store.append({ streamId: 's', events: [ev('B', { i })], expectedVersion: 1, actor: `u${i}` })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(19);
      for (const r of rejected) expect(r.reason).toBeInstanceOf(ConcurrencyError);
      expect(await store.streamVersion('s')).toBe(2);
      expect((await verifyOpened(opened!)).ok).toBe(true);
    });

    it('group-commits many concurrent appends to different streams without losing or reordering any', async () => {
      const { store } = await open({ maxBatch: 16 });
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.append({ streamId: `s-${i % 7}`, events: [ev('E', { i })], expectedVersion: 'any', actor: 'u' })),
      );
      const positions = results.map((r) => r.firstGlobalPosition).sort((a, b) => a - b);
      expect(positions).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const all = await store.readAll();
      expect(all.map((e) => e.globalPosition)).toEqual(positions);
      // Appends issued in order to one stream are recorded in that order.
      const s0 = (await store.readStream('s-0')).map((e) => (e.data as { i: number }).i);
      expect(s0).toEqual([...s0].sort((a, b) => a - b));
      expect((await verifyOpened(opened!)).ok).toBe(true);
    });

    it('returns the first result for a repeated idempotency key and writes nothing', async () => {
      const { store } = await open();
      const request = { streamId: 's', events: [ev('A', { x: 1 })], expectedVersion: 'no_stream' as const, actor: 'u', idempotencyKey: 'k-1' };
      const first = await store.append(request);
      const again = await store.append(request);
      const concurrent = await Promise.all([store.append(request), store.append(request)]);
      expect(first.replayed).toBe(false);
      for (const r of [again, ...concurrent]) {
        expect(r).toEqual({ ...first, replayed: true });
      }
      expect((await store.head()).size).toBe(1);
      await expect(store.append({ ...request, events: [ev('A', { x: 2 })] })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect((await store.head()).size).toBe(1);
      expect(await store.findIdempotent('k-1')).toMatchObject({ streamId: 's', firstGlobalPosition: 1, lastGlobalPosition: 1 });
      expect(await store.findIdempotent('unknown')).toBeUndefined();
    });

    it('treats a retry as the same request when the caller fingerprints the command, whatever its events say', async () => {
      const { store } = await open();
      const first = await store.append({ streamId: 's', events: [ev('A', { at: 'first try' })], expectedVersion: 'any', actor: 'u', idempotencyKey: 'k', fingerprint: 'cmd-1' });
      const retry = await store.append({ streamId: 's', events: [ev('A', { at: 'second try' })], expectedVersion: 'any', actor: 'u', idempotencyKey: 'k', fingerprint: 'cmd-1' });
      expect(retry).toEqual({ ...first, replayed: true });
      await expect(store.append({ streamId: 's', events: [ev('A')], expectedVersion: 'any', actor: 'u', idempotencyKey: 'k', fingerprint: 'cmd-2' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect((await store.readStream('s')).map((e) => e.data)).toEqual([{ at: 'first try' }]);
    });

    it('dedupes retries that arrive in the same group commit', async () => {
      const { store } = await open();
      const request = { streamId: 's', events: [ev('A')], expectedVersion: 'any' as const, actor: 'u', idempotencyKey: 'same' };
      const results = await Promise.all(Array.from({ length: 10 }, () => store.append(request)));
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect((await store.head()).size).toBe(1);
    });

    it('updates read models in the same transaction, and a failing projection leaves no event behind', async () => {
      const { store } = await open();
      await store.append({
        streamId: 'lot-1',
        events: [ev('LotReceived', { qty: 5 })],
        expectedVersion: 'no_stream',
        actor: 'u',
        project: async (tx, events) => {
          await tx.put('lots', 'lot-1', { qty: (events[0]!.data as { qty: number }).qty, at: events[0]!.globalPosition });
        },
      });
      expect(await store.getDocument('lots', 'lot-1')).toEqual({ qty: 5, at: 1 });
      const failing = store.append({
        streamId: 'lot-1',
        events: [ev('LotConsumed', { qty: 2 })],
        expectedVersion: 1,
        actor: 'u',
        idempotencyKey: 'consume-1',
        project: async (tx) => {
          await tx.put('lots', 'lot-1', { qty: 3 });
          throw new Error('projection bug');
        },
      });
      await expect(failing).rejects.toThrow('projection bug');
      expect(await store.getDocument('lots', 'lot-1')).toEqual({ qty: 5, at: 1 });
      expect(await store.streamVersion('lot-1')).toBe(1);
      expect((await store.head()).size).toBe(1);
      // The key of a failed command was not consumed: the corrected retry goes through.
      const retried = await store.append({ streamId: 'lot-1', events: [ev('LotConsumed', { qty: 2 })], expectedVersion: 1, actor: 'u', idempotencyKey: 'consume-1' });
      expect(retried.replayed).toBe(false);
    });

    it('isolates a failing command from the others in its group commit', async () => {
      const { store } = await open();
      const appends = Array.from({ length: 12 }, (_, i) =>
        store.append({
          streamId: `s-${i}`,
          events: [ev('E')],
          expectedVersion: 'no_stream',
          actor: 'u',
          project: async (tx) => {
            await tx.put('docs', `d-${i}`, { i });
            if (i % 4 === 1) throw new Error(`bad ${i}`);
          },
        }),
      );
      const results = await Promise.allSettled(appends);
      expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 4 === 1 ? 'rejected' : 'fulfilled')));
      expect((await store.listDocuments('docs')).length).toBe(9);
      expect((await store.head()).size).toBe(9);
      expect((await store.readAll()).map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await verifyOpened(opened!)).ok).toBe(true);
    });

    it('lets a projector read what its own command and earlier commands of its group wrote, never what failed ones did', async () => {
      const { store } = await open();
      await store.append({ streamId: 'seed', events: [ev('Seeded')], expectedVersion: 'no_stream', actor: 'u', project: (tx) => tx.put('counters', 'c', { n: 100 }) });
      const seen: unknown[] = [];
      const bump = (i: number, fail = false) =>
        store.append({
          streamId: `bump-${i}`,
          events: [ev('Bumped', { i })],
          expectedVersion: 'no_stream',
          actor: 'u',
          ...(i === 3 || i === 4 ? { idempotencyKey: 'shared' } : {}),
          project: async (tx) => {
            const counter = (await tx.get<{ n: number }>('counters', 'c'))!;
            seen.push(counter.n);
            // What a projector does to an object it read changes nothing stored.
            counter.n = -1;
            await tx.put('counters', 'c', { n: (await tx.get<{ n: number }>('counters', 'c'))!.n + 1 });
            // Its own write, read back within the command.
            expect(await tx.get('counters', 'c')).toEqual({ n: (seen.at(-1) as number) + 1 });
            await tx.put('scratch', `d-${i}`, { i });
            await tx.delete('scratch', `d-${i}`);
            expect(await tx.get('scratch', `d-${i}`)).toBeUndefined();
            if (fail) throw new Error(`command ${i} fails`);
          },
        });
      // One group: 3 fails after its writes, so 4 (same key) is not a replay and sees 2's value, not 3's.
      const results = await Promise.allSettled([bump(1), bump(2), bump(3, true), bump(4), bump(5)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(seen).toEqual([100, 101, 102, 102, 103]);
      expect((results[3] as PromiseFulfilledResult<{ replayed: boolean }>).value.replayed).toBe(false);
      expect(await store.getDocument('counters', 'c')).toEqual({ n: 104 });
      expect(await store.listDocuments('scratch')).toEqual([]);
      expect(await store.streamVersion('bump-3')).toBe(0);
      expect((await store.head()).size).toBe(5);
      expect((await verifyOpened(opened!)).ok).toBe(true);
    });

    it('refuses, in the command alone, a read model no engine can store', async () => {
      const { store } = await open();
      const put = (i: number, collection: string, id: string, doc: unknown) =>
        store.append({ streamId: `doc-${i}`, events: [ev('E')], expectedVersion: 'no_stream', actor: 'u', project: (tx) => tx.put(collection, id, doc) });
      const results = await Promise.allSettled([
        put(1, 'docs', 'ok-1', { text: 'fine, with "quotes", \\backslashes\\ and \\u0000 spelled out' }),
        put(2, 'docs', 'nul', { text: 'a\u0000b' }),
        put(3, 'docs', 'surrogate', { [`key\ud800`]: 1 }),
        put(4, 'docs', 'nothing', undefined),
        put(5, 'docs\u0000', 'x', {}),
        put(6, 'docs', 'x'.repeat(401), {}),
        put(7, 'docs', 'ok-2', [1, 'two', { three: null }]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'fulfilled']);
      expect(await store.getDocument('docs', 'ok-1')).toEqual({ text: 'fine, with "quotes", \\backslashes\\ and \\u0000 spelled out' });
      expect(await store.getDocument('docs', 'ok-2')).toEqual([1, 'two', { three: null }]);
      expect((await store.head()).size).toBe(2);
    });

    it('appends to several streams atomically, each checked against its own expected version', async () => {
      const { store } = await open();
      await store.append({ streamId: 'equipment-P01', events: [ev('EquipmentRegistered')], expectedVersion: 'no_stream', actor: 'u' });
      const seen: string[] = [];
      const r = await store.append({
        streamId: 'batch-1',
        events: [ev('BatchCreated'), ev('StepStarted')],
        expectedVersion: 'no_stream',
        also: [{ streamId: 'equipment-P01', events: [ev('EquipmentAllocated', { batch: 'batch-1' })], expectedVersion: 1 }],
        actor: 'op',
        project: (_tx, events) => {
          seen.push(...events.map((e) => `${e.streamId}#${e.streamPosition}@${e.globalPosition}`));
        },
      });
      expect(r).toMatchObject({ nextVersion: 2, firstGlobalPosition: 2, lastGlobalPosition: 3, also: [{ streamId: 'equipment-P01', nextVersion: 2 }] });
      expect(seen).toEqual(['batch-1#1@2', 'batch-1#2@3', 'equipment-P01#2@4']);
      // A second batch that read the press at version 1 loses: nothing of its command is written.
      const stale = store.append({
        streamId: 'batch-2',
        events: [ev('BatchCreated')],
        expectedVersion: 'no_stream',
        also: [{ streamId: 'equipment-P01', events: [ev('EquipmentAllocated', { batch: 'batch-2' })], expectedVersion: 1 }],
        actor: 'op',
      });
      const err = await stale.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConcurrencyError);
      expect(err).toMatchObject({ streamId: 'equipment-P01', currentVersion: 2 });
      expect(await store.streamVersion('batch-2')).toBe(0);
      expect((await store.head()).size).toBe(4);
      await expect(
        store.append({ streamId: 's', events: [ev('A')], expectedVersion: 'any', also: [{ streamId: 's', events: [ev('B')], expectedVersion: 'any' }], actor: 'u' }),
      ).rejects.toBeInstanceOf(InvalidAppendError);
      expect((await verifyOpened(opened!)).ok).toBe(true);
    });

    it('rejects malformed appends before touching the database', async () => {
      const { store } = await open();
      const bad = [
        { streamId: '', events: [ev('A')], expectedVersion: 'any' as const, actor: 'u' },
        { streamId: 's', events: [], expectedVersion: 'any' as const, actor: 'u' },
        { streamId: 's', events: [ev('A')], expectedVersion: 'any' as const, actor: '' },
        { streamId: 's', events: [ev('')], expectedVersion: 'any' as const, actor: 'u' },
        { streamId: 's', events: [ev('A')], expectedVersion: -1, actor: 'u' },
        { streamId: 's', events: [ev('A', { n: 10n })], expectedVersion: 'any' as const, actor: 'u' },
      ];
      for (const request of bad) await expect(store.append(request)).rejects.toBeInstanceOf(InvalidAppendError);
      expect((await store.head()).size).toBe(0);
    });

    it('refuses UPDATE and DELETE of events in the database itself', async () => {
      const { store, raw } = await open();
      await store.append({ streamId: 's', events: [ev('A')], expectedVersion: 'any', actor: 'u' });
      await expect(raw.query("UPDATE events SET data = '{}' WHERE global_position = 1")).rejects.toThrow(/append-only/);
      await expect(raw.query('DELETE FROM events WHERE global_position = 1')).rejects.toThrow(/append-only/);
      await store.checkpoint();
      await expect(raw.query('DELETE FROM checkpoints')).rejects.toThrow(/append-only/);
      expect((await verifyOpened(opened!)).ok).toBe(true);
    });

    it('delivers committed events to subscribers in order, with catch-up from a position', async () => {
      const { store } = await open();
      await store.append({ streamId: 's', events: [ev('A'), ev('B')], expectedVersion: 'any', actor: 'u' });
      const seen: RecordedEvent[] = [];
      const fromOne: number[] = [];
      const stop = store.subscribe(0, (e) => seen.push(e));
      const stop2 = store.subscribe(1, (e) => fromOne.push(e.globalPosition));
      await Promise.all(Array.from({ length: 30 }, (_, i) => store.append({ streamId: `t-${i % 3}`, events: [ev('C', { i })], expectedVersion: 'any', actor: 'u' })));
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(32);
      expect(seen.map((e) => e.globalPosition)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      await expect.poll(() => fromOne.length, { timeout: 5000 }).toBe(31);
      stop();
      stop2();
      await store.append({ streamId: 's', events: [ev('D')], expectedVersion: 'any', actor: 'u' });
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toHaveLength(32);
    });

    it('signs checkpoints every N events and on demand, in the database and in the file', async () => {
      const { store } = await open({ everyEvents: 5 });
      for (let i = 0; i < 12; i++) await store.append({ streamId: 's', events: [ev('E', { i })], expectedVersion: 'any', actor: 'u' });
      await expect.poll(async () => (await store.backend.listCheckpoints()).map((c) => c.size), { timeout: 5000 }).toEqual([5, 10]);
      const onDemand = await store.checkpoint();
      expect(onDemand?.size).toBe(12);
      expect(await store.checkpoint()).toBeUndefined();
      const report = await verifyOpened(opened!);
      expect(report).toMatchObject({ ok: true, events: 12, checkpoints: 3, sealedSize: 12, warnings: [] });
      expect(report.rootHash).toBe((await store.head()).rootHash);
    });

    it('keeps everything across a restart and verifies', async () => {
      const o = await open();
      await o.store.append({ streamId: 's', events: [ev('A')], expectedVersion: 'no_stream', actor: 'u', idempotencyKey: 'once' });
      await o.store.checkpoint();
      const store = await o.reopen();
      expect(await store.streamVersion('s')).toBe(1);
      const again = await store.append({ streamId: 's', events: [ev('A')], expectedVersion: 'no_stream', actor: 'u', idempotencyKey: 'once' });
      expect(again.replayed).toBe(true);
      await store.append({ streamId: 's', events: [ev('B')], expectedVersion: 1, actor: 'u' });
      expect((await store.readStream('s')).map((e) => e.type)).toEqual(['A', 'B']);
      expect((await verifyOpened(opened!)).ok).toBe(true);
    });
  });
}
