/**
 * A full disk on the real SQLite engine: an append that cannot be written is refused (the promise rejects,
 * it never resolves), and nothing of it remains — no event, no idempotency record, no read-model change —
 * while everything acknowledged before is intact, the store keeps answering, and the ledger verifies.
 *
 * The disk is "full" in two ways:
 *  - `maxPageCount` caps the database (PRAGMA max_page_count on the writer): the INSERT that needs one page
 *    too many fails with SQLITE_FULL, and SQLite rolls the whole transaction back;
 *  - a child process whose file size limit (RLIMIT_FSIZE, via prlimit) stops the WAL from growing: the
 *    write of the WAL frames, which happens at COMMIT, fails — the failed-COMMIT path.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppendRequest, AppendResult } from '../event-store.ts';
import { createLedgerStore, type LedgerStore } from '../ledger-store.ts';
import { loadOrCreateLedgerKey, type LedgerKey } from '../ledger/signing-key.ts';
import { verifyStore } from '../verify-store.ts';
import { openSqliteBackend } from './backend.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const COUNTERS = 'disk-full-counters';
const COMMANDS = 'disk-full-commands';
const ACTOR = 'system:disk-full-test';

interface Fixture {
  readonly dir: string;
  readonly file: string;
  readonly keysDir: string;
  readonly checkpointFile: string;
  readonly key: LedgerKey;
  /** Pages of the freshly migrated database. */
  readonly basePages: number;
  /** Errors the store reported in the background (checkpoints that could not be recorded). */
  readonly storeErrors: unknown[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'bes-disk-full-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'openbes.db');
  const keysDir = join(dir, 'keys');
  const key = await loadOrCreateLedgerKey(keysDir, 'openbes-test');
  await openSqliteBackend({ file }).close();
  const raw = new Database(file, { readonly: true });
  const basePages = raw.pragma('page_count', { simple: true }) as number;
  raw.close();
  return { dir, file, keysDir, checkpointFile: join(dir, 'checkpoints.jsonl'), key, basePages, storeErrors: [] };
}

/** Opens the store on the fixture's file capped at `maxPageCount` pages; checkpoints every 10 events. */
async function openCapped(f: Fixture, maxPageCount: number | undefined, maxBatch?: number): Promise<LedgerStore> {
  const store = await createLedgerStore({
    backend: openSqliteBackend({ file: f.file, maxPageCount }),
    maxBatch,
    checkpoints: { key: f.key, file: f.checkpointFile, everyEvents: 10, everyMs: 0 },
    onError: (error) => f.storeErrors.push(error),
  });
  let closed = false;
  cleanups.push(async () => {
    if (!closed) await store.close();
  });
  const close = store.close;
  return Object.assign(store, {
    close: async () => {
      closed = true;
      await close();
    },
  });
}

/** A command of `count` events of about `padding` bytes each, with an idempotency key and a projector. */
function command(key: string, streamId: string, count: number, padding: number): AppendRequest {
  return {
    streamId,
    events: Array.from({ length: count }, (_, k) => ({ type: 'Padded', data: { key, k, pad: 'x'.repeat(padding) } })),
    expectedVersion: 'any',
    actor: ACTOR,
    idempotencyKey: key,
    async project(tx, events) {
      const first = events[0]!;
      const last = events[events.length - 1]!;
      const counter = (await tx.get<{ count: number }>(COUNTERS, streamId)) ?? { count: 0 };
      await tx.put(COUNTERS, streamId, { count: counter.count + events.length, lastPosition: last.globalPosition });
      await tx.put(COMMANDS, key, { first: first.globalPosition, last: last.globalPosition });
    },
  };
}

const padding = (i: number) => 1500 + ((i * 397) % 1000);
const codeOf = (error: unknown) => (error as { code?: unknown }).code;

interface Acknowledged {
  readonly request: AppendRequest;
  readonly result: AppendResult;
}

/**
 * The database holds exactly the acknowledged commands and nothing of the refused ones: the log, the
 * streams, the idempotency records and the read models all agree, and the ledger verifies.
 */
async function expectExactly(f: Fixture, store: LedgerStore, acknowledged: ReadonlyMap<string, Acknowledged>, refused: readonly string[]) {
  const { size } = await store.head();
  const log = await store.readAll({ limit: 10_000 });
  expect(log.length).toBe(size);
  expect(log.map((e) => e.globalPosition)).toEqual(Array.from({ length: size }, (_, i) => i + 1));
  const expectedSize = [...acknowledged.values()].reduce((n, a) => n + a.request.events.length, 0);
  expect(size).toBe(expectedSize);

  for (const [key, { request, result }] of acknowledged) {
    const events = log.slice(result.firstGlobalPosition - 1, result.lastGlobalPosition);
    expect(events.length).toBe(request.events.length);
    for (const e of events) expect([e.streamId, (e.data as { key: string }).key]).toEqual([request.streamId, key]);
    expect(events.at(-1)!.streamPosition).toBe(result.nextVersion);
    expect(await store.getDocument(COMMANDS, key)).toEqual({ first: result.firstGlobalPosition, last: result.lastGlobalPosition });
  }
  const keysInLog = new Set(log.map((e) => (e.data as { key: string }).key));
  expect([...keysInLog].sort()).toEqual([...acknowledged.keys()].sort());
  for (const key of refused) expect(await store.getDocument(COMMANDS, key)).toBeUndefined();

  const streams = new Map<string, { version: number; lastPosition: number }>();
  for (const e of log) {
    expect(e.streamPosition).toBe((streams.get(e.streamId)?.version ?? 0) + 1);
    streams.set(e.streamId, { version: e.streamPosition, lastPosition: e.globalPosition });
  }
  for (const [streamId, head] of streams) {
    expect(await store.streamVersion(streamId)).toBe(head.version);
    expect(await store.getDocument(COUNTERS, streamId)).toEqual({ count: head.version, lastPosition: head.lastPosition });
  }
  expect((await store.listDocuments(COUNTERS)).length).toBe(streams.size);

  const raw = new Database(f.file, { readonly: true });
  try {
    expect(raw.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: size });
    expect(raw.prepare('SELECT count(*) AS n FROM idempotency').get()).toEqual({ n: acknowledged.size });
    expect(raw.prepare('SELECT count(*) AS n FROM documents WHERE collection = ?').get(COMMANDS)).toEqual({ n: acknowledged.size });
    for (const key of refused) expect(raw.prepare('SELECT key FROM idempotency WHERE key = ?').get(key)).toBeUndefined();
  } finally {
    raw.close();
  }

  const report = await verifyStore(store.backend, { checkpointFile: f.checkpointFile, keysDir: f.keysDir });
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  // Background checkpoints may have hit the full disk too; that is all they may have hit.
  for (const error of f.storeErrors) expect(codeOf(error)).toBe('SQLITE_FULL');
}

describe('SQLite: a full disk never yields an acknowledgement', () => {
  it('an append that does not fit rejects with SQLITE_FULL and leaves nothing; after more room it is written', async () => {
    const f = await makeFixture();
    let store = await openCapped(f, f.basePages + 40);
    const acknowledged = new Map<string, Acknowledged>();
    let refused: { key: string; request: AppendRequest; error: unknown } | undefined;
    // One command at a time, so each is alone in its transaction.
    for (let i = 0; i < 1000 && refused === undefined; i++) {
      const key = `one-${i}`;
      const request = command(key, `stream-${i % 3}`, 1 + (i % 3), padding(i));
      let result: AppendResult | undefined;
      try {
        result = await store.append(request);
      } catch (error) {
        refused = { key, request, error };
      }
      if (result !== undefined) acknowledged.set(key, { request, result });
    }
    expect(refused, 'the cap was never reached').toBeDefined();
    const failed = refused!;
    expect(codeOf(failed.error)).toBe('SQLITE_FULL');
    expect(acknowledged.size).toBeGreaterThan(3);
    await expectExactly(f, store, acknowledged, [failed.key]);
    console.log(`disk full (max_page_count): ${acknowledged.size} appends acknowledged, the next refused with ${String(codeOf(failed.error))}; nothing of it stored`);

    // The store still answers, and the same command is refused again the same way, still leaving nothing.
    expect((await store.readStream('stream-0')).length).toBe(await store.streamVersion('stream-0'));
    await expect(store.append(failed.request)).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    await expectExactly(f, store, acknowledged, [failed.key]);

    // More room (a larger cap after a restart): the very same command, same key, is written for the first time.
    const { size } = await store.head();
    await store.close();
    store = await openCapped(f, f.basePages + 10_000);
    const retried = await store.append(failed.request);
    expect(retried).toMatchObject({ replayed: false, firstGlobalPosition: size + 1, lastGlobalPosition: size + failed.request.events.length });
    acknowledged.set(failed.key, { request: failed.request, result: retried });
    await expectExactly(f, store, acknowledged, []);
    await store.close();
  });

  it.each([8, 256])(
    'group commit (at most %i commands a transaction): of 50 concurrent appends past the cap, the resolved are all there and the rejected left nothing',
    async (maxBatch) => {
      const f = await makeFixture();
      let store = await openCapped(f, f.basePages + 30, maxBatch);
      const requests = Array.from({ length: 50 }, (_, i) => command(`group-${i}`, `stream-${i % 5}`, 1 + (i % 3), padding(i)));
      const outcomes = await Promise.allSettled(requests.map((r) => store.append(r)));
      const acknowledged = new Map<string, Acknowledged>();
      const refused: string[] = [];
      outcomes.forEach((o, i) => {
        if (o.status === 'fulfilled') acknowledged.set(requests[i]!.idempotencyKey!, { request: requests[i]!, result: o.value });
        else refused.push(requests[i]!.idempotencyKey!);
      });
      expect(refused.length).toBeGreaterThan(0);
      // Several groups: the first ones fit. One group of 50: SQLite rolls the whole transaction back.
      if (maxBatch < 50) expect(acknowledged.size).toBeGreaterThan(0);
      await expectExactly(f, store, acknowledged, refused);
      const reasons = [...new Set(outcomes.flatMap((o) => (o.status === 'rejected' ? [String(codeOf(o.reason))] : [])))];
      console.log(`disk full, group commit (maxBatch ${maxBatch}): 50 concurrent appends, ${acknowledged.size} acknowledged and present, ${refused.length} refused (${reasons.join(', ')}) and absent`);

      // More room: every request again with its key. The acknowledged are answered from the record,
      // the refused are written now, for the first time.
      await store.close();
      store = await openCapped(f, f.basePages + 10_000, maxBatch);
      const again = await Promise.all(requests.map((r) => store.append(r)));
      again.forEach((result, i) => {
        const key = requests[i]!.idempotencyKey!;
        const earlier = acknowledged.get(key);
        if (earlier !== undefined) expect(result).toEqual({ ...earlier.result, replayed: true });
        else {
          expect(result.replayed).toBe(false);
          acknowledged.set(key, { request: requests[i]!, result });
        }
      });
      await expectExactly(f, store, acknowledged, []);
      await store.close();
    },
  );

  // SQLite rolls back the whole transaction on SQLITE_FULL; the group must fail with that cause, not with the
  // savepoint rollback that can no longer run.
  it('group commit tells each refused command the disk is full (SQLITE_FULL)', async () => {
    const f = await makeFixture();
    const store = await openCapped(f, f.basePages + 30, 256);
    const requests = Array.from({ length: 50 }, (_, i) => command(`code-${i}`, `stream-${i % 5}`, 2, 2000));
    const outcomes = await Promise.allSettled(requests.map((r) => store.append(r)));
    const codes = outcomes.map((o) => (o.status === 'rejected' ? codeOf(o.reason) : 'resolved'));
    expect(codes).toContain('SQLITE_FULL');
    expect(codes.filter((c) => c !== 'SQLITE_FULL' && c !== 'resolved')).toEqual([]);
  });

  // A projector that catches errors must not get half a command committed. Its writes only reach the database at
  // the group's flush, so the disk-full error is the flush's: the command is refused with it, and nothing remains.
  it('a projector that swallows errors cannot commit half a command', async () => {
    const f = await makeFixture();
    const store = await openCapped(f, f.basePages + 3, 1);
    const acknowledged = new Map<string, Acknowledged>();
    const refused: string[] = [];
    for (let i = 0; i < 5; i++) {
      const request: AppendRequest = {
        ...command(`swallow-${i}`, 'stream-s', 1, 3000),
        async project(tx, events) {
          try {
            await tx.put(COMMANDS, `swallow-${i}`, { first: events[0]!.globalPosition, last: events[0]!.globalPosition, pad: 'y'.repeat(3000) });
          } catch {
            // a careless projector
          }
          const counter = (await tx.get<{ count: number }>(COUNTERS, 'stream-s').catch(() => undefined)) ?? { count: 0 };
          await tx.put(COUNTERS, 'stream-s', { count: counter.count + 1, lastPosition: events[0]!.globalPosition }).catch(() => undefined);
        },
      };
      try {
        acknowledged.set(request.idempotencyKey!, { request, result: await store.append(request) });
      } catch (error) {
        expect(codeOf(error)).toBe('SQLITE_FULL');
        refused.push(request.idempotencyKey!);
      }
    }
    expect(refused.length).toBeGreaterThan(0);
    const { size } = await store.head();
    const stored = (await store.readAll()).length;
    expect(size).toBe(stored);
    expect(size).toBe(acknowledged.size);
    for (const key of refused) expect(await store.findIdempotent(key)).toBeUndefined();
    for (const key of refused) expect(await store.getDocument(COMMANDS, key)).toBeUndefined();
    expect(await store.getDocument(COUNTERS, 'stream-s')).toEqual(
      acknowledged.size === 0 ? undefined : { count: acknowledged.size, lastPosition: size },
    );
    const report = await verifyStore(store.backend, { checkpointFile: f.checkpointFile, keysDir: f.keysDir });
    expect(report.problems).toEqual([]);
  });

  // SQLite rolls the whole transaction back on SQLITE_FULL: a write that catches that error and carries on must
  // not run its later statements in autocommit, nor commit. Each statement refuses (transaction_aborted, with the
  // database's error as cause), and so does the write.
  it('a write that swallows its failed flush cannot commit anything after it', async () => {
    const f = await makeFixture();
    const backend = openSqliteBackend({ file: f.file, maxPageCount: f.basePages + 3 });
    cleanups.push(async () => backend.close());
    const pad = JSON.stringify({ pad: 'z'.repeat(3000) });
    const documents = Array.from({ length: 20 }, (_, i) => ({ collection: 'pad', id: `p-${i}`, doc: pad }));
    const nothing = { streamHeads: new Map(), idempotency: new Map(), documents: [], log: undefined };
    let flushError: unknown;
    const error = await backend
      .write(async (tx) => {
        const log = await tx.lockLog();
        try {
          await tx.flush({ ...nothing, documents });
        } catch (e) {
          flushError = e;
        }
        // Carrying on as if nothing happened: every statement refuses to run outside the transaction.
        const aborted = { code: 'transaction_aborted', cause: expect.objectContaining({ code: 'SQLITE_FULL' }) };
        await expect(tx.getDocument('pad', 'p-0')).rejects.toMatchObject(aborted);
        await expect(tx.insertEvents([])).rejects.toMatchObject(aborted);
        await expect(
          tx.flush({ ...nothing, documents: [{ collection: 'pad', id: 'late', doc: '{}' }], log: { size: log.size + 1, frontier: [...log.frontier] } }),
        ).rejects.toMatchObject(aborted);
      })
      .catch((e: unknown) => e);
    expect(codeOf(flushError)).toBe('SQLITE_FULL');
    expect(codeOf(error)).toBe('transaction_aborted');
    expect(codeOf((error as Error).cause)).toBe('SQLITE_FULL');
    expect(await backend.listDocuments('pad')).toEqual([]);
    expect((await backend.logState()).size).toBe(0);
    // The connection is usable again, and the next write commits normally.
    await backend.write(async (tx) => {
      await tx.lockLog();
      await tx.flush({ ...nothing, documents: [{ collection: 'pad', id: 'after', doc: '{"ok":true}' }] });
    });
    expect(await backend.getDocument('pad', 'after')).toEqual({ ok: true });
  });

  const prlimit = spawnSync('prlimit', ['--version']).status === 0;
  it.skipIf(!prlimit)('a COMMIT whose WAL write fails (file size limit) is never acknowledged and leaves nothing', { timeout: 60_000 }, async () => {
    const f = await makeFixture();
    // The child appends with 4 concurrent appenders (so groups of commands) until 3 appends failed, then waits
    // for every append in flight to settle and exits. It prints each acknowledgement and each refusal.
    const child = `
      import { register } from 'tsx/esm/api';
      register();
      const { openSqliteBackend } = await import('./src/store/sqlite/backend.ts');
      const { createLedgerStore } = await import('./src/store/ledger-store.ts');
      const store = await createLedgerStore({ backend: openSqliteBackend({ file: process.argv[1] }) });
      const command = (i) => {
        const key = 'commit-' + i, streamId = 'stream-' + (i % 3);
        return {
          streamId, expectedVersion: 'any', actor: ${JSON.stringify(ACTOR)}, idempotencyKey: key,
          events: Array.from({ length: 1 + (i % 3) }, (_, k) => ({ type: 'Padded', data: { key, k, pad: 'x'.repeat(1500 + ((i * 397) % 1000)) } })),
          async project(tx, events) {
            const first = events[0], last = events[events.length - 1];
            const counter = (await tx.get(${JSON.stringify(COUNTERS)}, streamId)) ?? { count: 0 };
            await tx.put(${JSON.stringify(COUNTERS)}, streamId, { count: counter.count + events.length, lastPosition: last.globalPosition });
            await tx.put(${JSON.stringify(COMMANDS)}, key, { first: first.globalPosition, last: last.globalPosition });
          },
        };
      };
      let next = 0, failures = 0;
      const appender = async () => {
        while (failures < 3) {
          const i = next++;
          try {
            const result = await store.append(command(i));
            process.stdout.write(JSON.stringify({ i, result }) + '\\n');
          } catch (error) {
            failures += 1;
            process.stdout.write(JSON.stringify({ i, code: error.code, message: error.message }) + '\\n');
          }
        }
      };
      await Promise.all([appender(), appender(), appender(), appender()]);
      process.stdout.write('DONE\\n');
      process.exit(0);
    `;
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const p = spawn('prlimit', ['--fsize=600000', process.execPath, '--input-type=module', '-e', child, f.file], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      p.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      p.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines.pop()).toBe('DONE');
    const acknowledged = new Map<string, Acknowledged>();
    const refused: { key: string; request: AppendRequest; code: string }[] = [];
    for (const line of lines) {
      const { i, result, code } = JSON.parse(line) as { i: number; result?: AppendResult; code?: string };
      const request = command(`commit-${i}`, `stream-${i % 3}`, 1 + (i % 3), padding(i));
      if (result !== undefined) acknowledged.set(request.idempotencyKey!, { request, result });
      else refused.push({ key: request.idempotencyKey!, request, code: code! });
    }
    expect(acknowledged.size).toBeGreaterThan(3);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    // EFBIG on the WAL file: SQLite reports a write error (a real ENOSPC would be SQLITE_FULL).
    for (const r of refused) expect(['SQLITE_IOERR_WRITE', 'SQLITE_FULL']).toContain(r.code);
    console.log(`failed COMMIT (WAL capped by RLIMIT_FSIZE): ${acknowledged.size} appends acknowledged, ${refused.length} refused (${[...new Set(refused.map((r) => r.code))].join(', ')}); nothing of them stored`);

    const store = await openCapped(f, undefined);
    await expectExactly(f, store, acknowledged, refused.map((r) => r.key));
    // With room again the refused commands are written, for the first time, under their keys.
    for (const r of refused) {
      const result = await store.append(r.request);
      expect(result.replayed).toBe(false);
      acknowledged.set(r.key, { request: r.request, result });
    }
    await expectExactly(f, store, acknowledged, []);
    await store.close();
  });
});
