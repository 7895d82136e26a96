/**
 * Parallel verification (a worker thread hashing) must give exactly the report of the single-threaded
 * verifier: the same problems, messages, order and first broken event, on intact and on tampered logs.
 * Here the parallel path is forced (parallelThreshold 0) on logs far below its normal threshold, and every
 * report is compared, JSON for JSON, with the single-threaded one.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, CheckpointRow, EventRow, LogState } from '../backend.ts';
import { createLedgerStore } from '../ledger-store.ts';
import { openSqliteBackend } from '../sqlite/backend.ts';
import { readCheckpointFile } from './checkpoint-file.ts';
import { signCheckpoint, type NoteVerifier } from './checkpoint-note.ts';
import { ZERO_HASH, eventHash } from './event-hash.ts';
import { MerkleAccumulator, frontierRoot } from './merkle.ts';
import { loadOrCreateLedgerKey, loadTrustedVerifiers, type LedgerKey } from './signing-key.ts';
import { verifyLedger, type VerifyMode, type VerifyReport } from './verify-ledger.ts';
import { encodePage } from './verify-parallel.ts';
import { PageVerifier, hashEvents } from './verify-worker.js';

const run = promisify(execFile);
let dir: string;
let key: LedgerKey;
let verifiers: NoteVerifier[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bes-verify-parallel-'));
  key = await loadOrCreateLedgerKey(join(dir, 'keys'), 'openbes-test');
  verifiers = await loadTrustedVerifiers(join(dir, 'keys'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a tampered database holds, as the verifier sees it through the Backend interface. */
interface Ledger {
  readonly rows: readonly EventRow[];
  readonly dbCheckpoints: readonly CheckpointRow[];
  readonly fileNotes: readonly string[];
  readonly state: LogState;
}

type Fields = Pick<EventRow, 'streamId' | 'type' | 'data' | 'actor' | 'recordedAt'>;

/** Positions, links and hashes as the store computes them; the Merkle root at each size in `roots`. */
function chain(events: readonly Fields[]): { rows: EventRow[]; state: LogState; rootAt: (size: number) => string } {
  const heads = new Map<string, EventRow>();
  const tree = new MerkleAccumulator();
  const roots = [tree.root().toString('hex')];
  const rows = events.map((e, k) => {
    const prev = heads.get(e.streamId);
    const fields = { ...e, globalPosition: k + 1, streamPosition: (prev?.streamPosition ?? 0) + 1, prevHash: prev?.hash ?? ZERO_HASH };
    const row = { ...fields, hash: eventHash(fields) };
    heads.set(e.streamId, row);
    tree.pushEventHash(row.hash);
    roots.push(tree.root().toString('hex'));
    return row;
  });
  return { rows, state: { size: rows.length, frontier: tree.frontierHex() }, rootAt: (size) => roots[size]! };
}

function checkpointRow(size: number, rootHash: string): CheckpointRow {
  return { size, rootHash, note: signCheckpoint({ origin: key.name, size, rootHash }, key), createdAt: '2026-11-25T00:00:00.000Z' };
}

/** A sealed ledger: checkpoints every `every` events and at the end, in the database and in the file. */
function sealed(events: readonly Fields[], every: number): Ledger {
  const { rows, state, rootAt } = chain(events);
  const sizes = new Set<number>();
  for (let s = every; s <= rows.length; s += every) sizes.add(s);
  if (rows.length > 0) sizes.add(rows.length);
  const dbCheckpoints = [...sizes].map((s) => checkpointRow(s, rootAt(s)));
  return { rows, dbCheckpoints, fileNotes: dbCheckpoints.map((c) => c.note), state };
}

function memoryBackend(ledger: Ledger): Backend {
  const rows = [...ledger.rows].sort((a, b) => a.globalPosition - b.globalPosition);
  const unsupported = () => {
    throw new Error('not used by verification');
  };
  return {
    async readAll(after: number, limit: number) {
      // WHERE global_position > after ORDER BY global_position LIMIT limit
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (rows[mid]!.globalPosition > after) hi = mid;
        else lo = mid + 1;
      }
      return rows.slice(lo, lo + limit).map((r) => ({ ...r }));
    },
    async listCheckpoints() {
      return [...ledger.dbCheckpoints].sort((a, b) => a.size - b.size);
    },
    async logState() {
      return ledger.state;
    },
    write: unsupported,
    readStream: unsupported,
    streamHead: unsupported,
    findIdempotency: unsupported,
    getDocument: unsupported,
    listDocuments: unsupported,
    insertCheckpoint: unsupported,
    exportSnapshot: unsupported,
    importSnapshot: unsupported,
    watchCommits: unsupported,
    close: async () => {},
  };
}

async function verifyAs(ledger: Ledger, parallel: boolean, pageSize?: number): Promise<{ mode: VerifyMode | undefined; report: VerifyReport }> {
  let mode: VerifyMode | undefined;
  const report = await verifyLedger({
    backend: memoryBackend(ledger),
    fileNotes: ledger.fileNotes,
    verifiers,
    pageSize,
    parallelThreshold: parallel ? 0 : Infinity,
    onMode: (m) => (mode = m),
  });
  return { mode, report };
}

/** Verifies both ways and requires the same report (JSON, so that the order of keys counts too). */
async function expectSameReport(ledger: Ledger, pageSize?: number, expectedMode: VerifyMode = 'parallel'): Promise<VerifyReport> {
  const single = await verifyAs(ledger, false, pageSize);
  const parallel = await verifyAs(ledger, true, pageSize);
  expect(single.mode).toBe('single-threaded');
  expect(parallel.mode).toBe(expectedMode);
  expect(JSON.stringify(parallel.report, null, 1)).toBe(JSON.stringify(single.report, null, 1));
  return parallel.report;
}

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff'];
/** Text of every kind: ASCII, Latin-1, BMP, astral (surrogate pairs), NUL; with `lone`, lone surrogates too. */
const anyText = (maxLength: number, lone = false) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.constantFrom('a', 'µ', 'ß', '°', '€', '漢', '😀', '\0', '\u00ff', ...(lone ? LONE : [])), maxLength }),
  );
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const arbFields = (lone = false): fc.Arbitrary<Fields> =>
  fc.record({
    streamId: fc.oneof(fc.constantFrom('batch-1', 'batch-2', 'lot-µ', 'lot-😀'), anyText(12, lone)),
    type: fc.oneof(fc.constant('StepCompleted'), anyText(20, lone)),
    data: fc.oneof(fc.json({ maxDepth: 2 }), anyText(200).map((s) => JSON.stringify({ s }))),
    actor: fc.oneof(fc.constant('user:qa-0042'), anyText(16, lone)),
    recordedAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anyText(30, lone)),
  });

const stepEvent = (i: number): Fields => ({
  streamId: `batch-${i % 30}`,
  type: i % 7 === 0 ? 'MaterialDispensed' : 'StepCompleted',
  data: JSON.stringify({ i, net: 12 + (i % 997) / 1000, unit: i % 5 === 0 ? 'µg' : 'kg', note: i % 11 === 0 ? 'Größe geprüft ✓' : 'in-spec' }),
  actor: `user-${i % 4}`,
  recordedAt: new Date(Date.UTC(2026, 10, 25) + i * 1000).toISOString(),
});

describe('parallel verification', () => {
  it('recomputes hashes exactly as event-hash.ts and merkle.ts (random text of every kind, large payloads)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbFields(), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 16 }), async (events, pageSize) => {
        const ledger = sealed(events, 5);
        const report = await expectSameReport(ledger, pageSize);
        // Every stored hash recomputed and every root matched: the worker hashed the very same bytes.
        expect(report.ok).toBe(true);
        expect(report.sealedSize).toBe(events.length);
      }),
      { numRuns: 40, seed: 9162 },
    );
    // Payloads beyond event-hash.ts's 4 KiB scratch buffer and beyond its 1 MiB shared one.
    const big = (n: number, unit: string) => JSON.stringify({ blob: unit.repeat(n) });
    const large = sealed(
      [
        { ...stepEvent(0), data: big(5_000, 'x') },
        { ...stepEvent(1), data: big(400_000, 'µ') },
        { ...stepEvent(2), data: big(300_000, '😀') },
        { ...stepEvent(3), data: big(1_200_000, 'a') },
        stepEvent(4),
      ],
      2,
    );
    expect((await expectSameReport(large, 2)).ok).toBe(true);
  });

  it('finds the same problems, malformed columns and lone surrogates included', async () => {
    const mutations: ((r: EventRow) => EventRow)[] = [
      (r) => ({ ...r, hash: r.hash.toUpperCase() }),
      (r) => ({ ...r, prevHash: r.prevHash.toUpperCase() }),
      (r) => ({ ...r, prevHash: `${r.prevHash.slice(0, 62)}zz` }),
      (r) => ({ ...r, prevHash: `${r.prevHash.slice(0, 63)}µ` }),
      (r) => ({ ...r, prevHash: r.prevHash.slice(1) }), // not 64 characters: verified single-threaded
      (r) => ({ ...r, globalPosition: r.globalPosition + 0.5 }),
      (r) => ({ ...r, streamPosition: -r.streamPosition }),
      (r) => ({ ...r, hash: ZERO_HASH }),
      (r) => ({ ...r, type: `${r.type}\ud800`, streamId: `\udc00${r.streamId}` }),
      (r) => ({ ...r, data: r.data.replace('}', ',"x":"😀"}') }),
    ];
    let failed = 0;
    let parallel = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbFields(), { minLength: 2, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(mutations.length - 1)), { minLength: 1, maxLength: 4 }),
        async (events, edits) => {
          const ledger = sealed(events, 4);
          const rows = [...ledger.rows];
          for (const [at, m] of edits) rows[at % rows.length] = mutations[m]!(rows[at % rows.length]!);
          // Hashes not 64 characters long and text a worker cannot carry (lone surrogates) are left to one thread.
          const fellBack = rows.some((r) => r.prevHash.length !== 64 || ![r.streamId, r.type, r.data, r.actor, r.recordedAt, r.prevHash].every(wellFormed));
          const report = await expectSameReport({ ...ledger, rows }, 3, fellBack ? 'parallel-fell-back' : 'parallel');
          if (!report.ok) failed++;
          if (!fellBack) parallel++;
        },
      ),
      { numRuns: 40, seed: 6962 },
    );
    // (An edit may change nothing: the zero prevHash of a stream's first event in upper case is itself.)
    expect(failed).toBeGreaterThan(30);
    expect(parallel).toBeGreaterThan(10);
  });

  it('finds the same whether the main thread or the worker recomputed the event hashes of a page', () => {
    fc.assert(
      fc.property(
        fc.array(arbFields(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom<(r: EventRow) => EventRow>(
          (r) => ({ ...r, data: `${r.data} ` }),
          (r) => ({ ...r, hash: r.hash.toUpperCase() }),
          (r) => ({ ...r, prevHash: `${r.prevHash.slice(0, 63)}g` }),
          (r) => ({ ...r, globalPosition: r.globalPosition + 0.5 }),
          (r) => ({ ...r, hash: `${r.hash.slice(0, 63)}x` }), // not hex: the page is given up either way
        ))),
        fc.integer({ min: 1, max: 8 }),
        (events, edits, pageSize) => {
          const ledger = sealed(events, 4);
          const rows = [...ledger.rows];
          for (const [at, edit] of edits) rows[at % rows.length] = edit(rows[at % rows.length]!);
          const sizes = ledger.dbCheckpoints.map((c) => c.size);
          const alone = new PageVerifier(sizes, 50);
          const helped = new PageVerifier(sizes, 50);
          for (let first = 0; first < rows.length; first += pageSize) {
            const page = encodePage(rows.slice(first, first + pageSize), first);
            const copy = { ...page, text: page.text.slice(0), meta: page.meta.slice(0) };
            hashEvents(copy);
            const a = alone.processPage(page);
            const b = helped.processPage(copy);
            expect(b).toEqual(a);
            if (a.malformed) return;
          }
          expect(helped.rootHex()).toBe(alone.rootHex());
          expect(helped.roots).toEqual(alone.roots);
          // The leaves are the stored hashes' bytes: the same as the log's (upper case hex is the same bytes).
          expect(alone.rootHex()).toBe(frontierRoot(ledger.state.frontier));
        },
      ),
      { numRuns: 100, seed: 2026 },
    );
  });

  it('leaves text with lone surrogates to the single-threaded verifier, with the same report', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbFields(true), { minLength: 1, maxLength: 20 }), async (events) => {
        const ledger = sealed(events, 3);
        const lone = events.some((e) => ![e.streamId, e.type, e.data, e.actor, e.recordedAt].every(wellFormed));
        expect((await expectSameReport(ledger, 4, lone ? 'parallel-fell-back' : 'parallel')).ok).toBe(true);
      }),
      { numRuns: 20, seed: 1962 },
    );
  });

  it('gives the same error as the single-threaded verifier for a stored hash that is not hex', async () => {
    const ledger = sealed(Array.from({ length: 50 }, (_, i) => stepEvent(i)), 10);
    for (const hash of ['g'.repeat(64), `${'a'.repeat(63)}µ`]) {
      const rows = ledger.rows.map((r) => (r.globalPosition === 17 ? { ...r, hash } : r));
      const single = await verifyAs({ ...ledger, rows }, false).catch((e: unknown) => e);
      let mode: VerifyMode | undefined;
      const parallel = await verifyLedger({ backend: memoryBackend({ ...ledger, rows }), fileNotes: ledger.fileNotes, verifiers, parallelThreshold: 0, onMode: (m) => (mode = m) }).catch(
        (e: unknown) => e,
      );
      expect(single).toBeInstanceOf(TypeError);
      expect(parallel).toEqual(single);
      expect(mode).toBe('parallel-fell-back');
    }
  });

  describe('on a sealed log of a few thousand events, tampered', () => {
    const EVENTS = 3_000;
    let pristine: Ledger;
    beforeAll(() => {
      pristine = sealed(Array.from({ length: EVENTS }, (_, i) => stepEvent(i)), 100);
    });

    type Kind = 'alter_data' | 'alter_type' | 'alter_actor' | 'alter_time' | 'delete' | 'swap' | 'insert' | 'truncate';
    interface Tampering {
      readonly kind: Kind;
      readonly at: number;
      readonly other: number;
      readonly count: number;
      /** Recompute positions, hashes and the log state so that the rows look consistent. */
      readonly careful: boolean;
      readonly dropDbCheckpoints: boolean;
    }

    function tamper(t: Tampering): Ledger {
      const rows = pristine.rows.map((r) => ({ ...r }));
      const i = (t.at - 1) % rows.length;
      const row = rows[i]!;
      switch (t.kind) {
        case 'alter_data':
          rows[i] = { ...row, data: JSON.stringify({ ...(JSON.parse(row.data) as object), value: 'changed' }) };
          break;
        case 'alter_type':
          rows[i] = { ...row, type: `${row.type}X` };
          break;
        case 'alter_actor':
          rows[i] = { ...row, actor: 'someone-else' };
          break;
        case 'alter_time':
          rows[i] = { ...row, recordedAt: '2020-01-01T00:00:00.000Z' };
          break;
        case 'delete':
          rows.splice(i, 1);
          break;
        case 'swap': {
          const j = (t.other - 1) % rows.length === i ? (i + 1) % rows.length : (t.other - 1) % rows.length;
          const a = rows[i]!;
          const b = rows[j]!;
          rows[i] = { ...b, globalPosition: a.globalPosition };
          rows[j] = { ...a, globalPosition: b.globalPosition };
          break;
        }
        case 'insert':
          rows.splice(i, 0, { ...row, streamId: `${row.streamId}-forged`, streamPosition: 1, type: 'ForgedEvent', data: '{"forged":true}' });
          rows.forEach((r, k) => (rows[k] = { ...r, globalPosition: k + 1 }));
          break;
        case 'truncate':
          rows.splice(rows.length - Math.min(t.count, rows.length - 1));
          break;
      }
      const dbCheckpoints = t.dropDbCheckpoints ? [] : pristine.dbCheckpoints;
      if (!t.careful) return { ...pristine, rows, dbCheckpoints };
      const rechained = chain(rows);
      return { rows: rechained.rows, state: rechained.state, dbCheckpoints, fileNotes: pristine.fileNotes };
    }

    it('reports an intact log the same way', async () => {
      const report = await expectSameReport(pristine);
      expect(report.ok).toBe(true);
      expect(report.sealedSize).toBe(EVENTS);
      await expectSameReport(pristine, 97);
    });

    // Many full verifications: a correctness test, given room on a slow or busy machine (it timed out at 30 s under load).
    it('reports a sample of tamperings (alter, delete, swap, insert, truncate; naive and careful) the same way', { timeout: 180_000 }, async () => {
      const arb = fc.record({
        kind: fc.constantFrom<Kind>('alter_data', 'alter_type', 'alter_actor', 'alter_time', 'delete', 'swap', 'insert', 'truncate'),
        at: fc.integer({ min: 1, max: EVENTS }),
        other: fc.integer({ min: 1, max: EVENTS }),
        count: fc.integer({ min: 1, max: 250 }),
        careful: fc.boolean(),
        dropDbCheckpoints: fc.boolean(),
      });
      const samples = fc.sample(arb, { numRuns: 40, seed: 6962 });
      // Every kind, naive and careful, whatever the sample drew.
      for (const kind of ['alter_data', 'alter_type', 'alter_actor', 'alter_time', 'delete', 'swap', 'insert', 'truncate'] as const) {
        for (const careful of [false, true]) samples.push({ kind, at: 1234, other: 2345, count: 7, careful, dropDbCheckpoints: careful });
      }
      const firstKinds = new Set<string>();
      for (const [n, t] of samples.entries()) {
        const report = await expectSameReport(tamper(t), n % 2 === 0 ? undefined : 256);
        expect(report.ok).toBe(false);
        firstKinds.add(report.problems[0]!.kind);
        if (!t.careful && t.kind.startsWith('alter_')) expect(report.problems[0]!.globalPosition).toBe(((t.at - 1) % EVENTS) + 1);
      }
      expect([...firstKinds].sort()).toEqual(expect.arrayContaining(['event_altered', 'history_rewritten', 'position_gap']));
    });

    it('reports forged, conflicting, impossible and missing checkpoints the same way', async () => {
      const forged = pristine.fileNotes[3]!.replace(/ [A-Za-z0-9+/=]+\n$/, ` ${Buffer.alloc(68, 7).toString('base64')}\n`);
      const fork = checkpointRow(1500, 'ab'.repeat(32));
      const cases: Ledger[] = [
        { ...pristine, fileNotes: [...pristine.fileNotes, forged] },
        { ...pristine, fileNotes: [...pristine.fileNotes, fork.note] },
        { ...pristine, dbCheckpoints: [...pristine.dbCheckpoints.filter((c) => c.size !== 1500), fork] },
        { ...pristine, dbCheckpoints: [...pristine.dbCheckpoints, checkpointRow(1501, 'cd'.repeat(32))] },
        { ...pristine, fileNotes: [...pristine.fileNotes, checkpointRow(EVENTS + 10, 'ef'.repeat(32)).note] },
        { ...pristine, fileNotes: [checkpointRow(0, chain([]).rootAt(0)).note, ...pristine.fileNotes] },
        { ...pristine, dbCheckpoints: pristine.dbCheckpoints.map((c) => (c.size === 700 ? { ...c, rootHash: '00'.repeat(32) } : c)) },
        { ...pristine, dbCheckpoints: [], fileNotes: [] },
        { ...pristine, state: { ...pristine.state, size: EVENTS - 1 } },
        { ...pristine, state: { size: EVENTS, frontier: [...pristine.state.frontier.slice(0, -1), '11'.repeat(32)] } },
        { ...pristine, rows: [], state: { size: 0, frontier: [] } },
        { rows: [], dbCheckpoints: [], fileNotes: [], state: { size: 0, frontier: [] } },
      ];
      for (const ledger of cases) await expectSameReport(ledger);
    });

    it('keeps the same first 50 problems when there are thousands', async () => {
      // Rows renumbered but not rehashed: every event after the insertion is altered, and its stream broken.
      const rows = [...pristine.rows];
      rows.splice(10, 0, { ...rows[10]!, streamId: 'forged', streamPosition: 1, type: 'Forged' });
      const renumbered = rows.map((r, k) => ({ ...r, globalPosition: k + 1 }));
      const report = await expectSameReport({ ...pristine, rows: renumbered, dbCheckpoints: pristine.dbCheckpoints.slice(0, 3) }, 128);
      expect(report.problems).toHaveLength(50);
    });

    it('keeps the same problems when the limit falls between an event and the checkpoint at its size', async () => {
      // Events 1-50 altered (hashes kept, so roots still match) and a wrong checkpoint at size 50: the 50th
      // problem is event 50's, found before the checkpoint is held against the log.
      const rows = pristine.rows.map((r) => (r.globalPosition <= 50 ? { ...r, data: '{"altered":true}' } : r));
      const wrong = checkpointRow(50, 'ab'.repeat(32));
      const report = await expectSameReport({ ...pristine, rows, fileNotes: [...pristine.fileNotes, wrong.note] }, 20);
      expect(report.problems).toHaveLength(50);
      expect(report.problems.at(-1)).toMatchObject({ kind: 'event_altered', globalPosition: 50 });
    });
  });

  it('verifies a real SQLite store the same way, intact and edited behind its back, also under tsx', { timeout: 60_000 }, async () => {
    const data = await mkdtemp(join(dir, 'sqlite-'));
    const file = join(data, 'openbes.db');
    const checkpointFile = join(data, 'checkpoints.jsonl');
    const store = await createLedgerStore({ backend: openSqliteBackend({ file }), checkpoints: { key, file: checkpointFile, everyEvents: 250, everyMs: 0 } });
    try {
      for (let i = 0; i < 2_000; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, k) => {
            const e = stepEvent(i + k);
            return store.append({ streamId: e.streamId, events: [{ type: e.type, data: JSON.parse(e.data) as unknown }], expectedVersion: 'any', actor: e.actor });
          }),
        );
      }
      await store.checkpoint();
    } finally {
      await store.close();
    }
    const verifyFile = async (parallel: boolean) => {
      const backend = openSqliteBackend({ file });
      let mode: VerifyMode | undefined;
      try {
        const report = await verifyLedger({
          backend,
          fileNotes: await readCheckpointFile(checkpointFile),
          verifiers,
          pageSize: 300,
          parallelThreshold: parallel ? 1_000 : Infinity,
          onMode: (m) => (mode = m),
        });
        return { mode, json: JSON.stringify(report) };
      } finally {
        await backend.close();
      }
    };
    const intact = await verifyFile(true);
    expect(intact.mode).toBe('parallel');
    expect(intact.json).toBe((await verifyFile(false)).json);
    expect(JSON.parse(intact.json)).toMatchObject({ ok: true, events: 2_000, sealedSize: 2_000 });

    const db = new Database(file);
    db.exec('DROP TRIGGER events_no_update');
    db.prepare(`UPDATE events SET data = '{"i":99}' WHERE global_position = 1234`).run();
    db.prepare(`UPDATE events SET type = 'StepCompletedµ' WHERE global_position = 1777`).run();
    db.close();
    const tampered = await verifyFile(true);
    expect(tampered.json).toBe((await verifyFile(false)).json);
    expect(JSON.parse(tampered.json)).toMatchObject({ ok: false, problems: [{ kind: 'event_altered', globalPosition: 1234 }, { globalPosition: 1777 }] });

    // In a process that runs the TypeScript through tsx as bin/bes.js does (a worker does not inherit that
    // loader on Node 20): the worker starts all the same.
    const script = `
      import { register } from 'tsx/esm/api';
      register();
      const { verifyLedger } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'verify-ledger.ts')).href)});
      const { openSqliteBackend } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../sqlite/backend.ts')).href)});
      const { readCheckpointFile } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'checkpoint-file.ts')).href)});
      const { loadTrustedVerifiers } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'signing-key.ts')).href)});
      const backend = openSqliteBackend({ file: ${JSON.stringify(file)} });
      let mode;
      const report = await verifyLedger({
        backend,
        fileNotes: await readCheckpointFile(${JSON.stringify(checkpointFile)}),
        verifiers: await loadTrustedVerifiers(${JSON.stringify(join(dir, 'keys'))}),
        pageSize: 300,
        parallelThreshold: 1000,
        onMode: (m) => (mode = m),
      });
      await backend.close();
      process.stdout.write(JSON.stringify({ mode, json: JSON.stringify(report) }));
    `;
    const child = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '../../..') });
    expect(JSON.parse(child.stdout)).toEqual({ mode: 'parallel', json: tampered.json });
  });
});
