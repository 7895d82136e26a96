/**
 * Tamper evidence, tested the way an attacker with direct database access would work: hundreds of random
 * tamperings, naive (edit rows) and careful (edit rows, then recompute every hash, the stream heads and
 * the log state, even empty the checkpoint table), each undone before the next. Every one must be caught.
 */
import { readFile, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../backend.ts';
import { ZERO_HASH, eventHash } from '../ledger/event-hash.ts';
import { appendToFrontier, leafHash } from '../ledger/merkle.ts';
import { signCheckpoint } from '../ledger/checkpoint-note.ts';
import type { OpenedStore, StoreFixture } from './fixture.ts';
import { verifyOpened } from './store-contract.ts';

const COLUMNS = ['global_position', 'stream_id', 'stream_position', 'type', 'data', 'actor', 'recorded_at', 'prev_hash', 'hash'];

type Mutation =
  | { kind: 'alter_data' | 'alter_type' | 'alter_actor' | 'alter_time' | 'delete'; at: number }
  | { kind: 'swap'; at: number; other: number }
  | { kind: 'insert'; at: number }
  | { kind: 'truncate'; count: number };

interface Tampering {
  readonly mutation: Mutation;
  /** Recompute hashes, positions, stream heads and log state so the rows look consistent. */
  readonly careful: boolean;
  /** Also empty the checkpoint table (the file outside the database is out of the attacker's reach). */
  readonly dropDbCheckpoints: boolean;
}

function fromDb(r: Record<string, unknown>): EventRow {
  return {
    globalPosition: Number(r.global_position),
    streamId: String(r.stream_id),
    streamPosition: Number(r.stream_position),
    type: String(r.type),
    data: String(r.data),
    actor: String(r.actor),
    recordedAt: String(r.recorded_at),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

function mutate(rows: EventRow[], m: Mutation): EventRow[] {
  const out = rows.map((r) => ({ ...r }));
  const i = 'at' in m ? (m.at - 1) % out.length : 0;
  const row = out[i]!;
  switch (m.kind) {
    case 'alter_data':
      out[i] = { ...row, data: JSON.stringify({ ...(JSON.parse(row.data) as object), value: 'changed' }) };
      break;
    case 'alter_type':
      out[i] = { ...row, type: `${row.type}X` };
      break;
    case 'alter_actor':
      out[i] = { ...row, actor: 'someone-else' };
      break;
    case 'alter_time':
      out[i] = { ...row, recordedAt: '2020-01-01T00:00:00.000Z' };
      break;
    case 'delete':
      out.splice(i, 1);
      break;
    case 'swap': {
      const j = (m.other - 1) % out.length === i ? (i + 1) % out.length : (m.other - 1) % out.length;
      const a = out[i]!;
      const b = out[j]!;
      out[i] = { ...b, globalPosition: a.globalPosition };
      out[j] = { ...a, globalPosition: b.globalPosition };
      break;
    }
    case 'insert': {
      const forged = { ...row, streamId: `${row.streamId}-forged`, streamPosition: 1, type: 'ForgedEvent', data: '{"forged":true}' };
      out.splice(i, 0, forged);
      out.forEach((r, k) => (out[k] = { ...r, globalPosition: k + 1 }));
      break;
    }
    case 'truncate':
      out.splice(out.length - Math.min(m.count, out.length - 1));
      break;
  }
  return out;
}

/** Renumbers and rehashes rows so that every chain is internally consistent. */
function rechain(rows: EventRow[]): { rows: EventRow[]; frontier: string[]; heads: Map<string, EventRow> } {
  const heads = new Map<string, EventRow>();
  let frontier: string[] = [];
  const out = rows.map((r, k) => {
    const prev = heads.get(r.streamId);
    const fields = { ...r, globalPosition: k + 1, streamPosition: (prev?.streamPosition ?? 0) + 1, prevHash: prev?.hash ?? ZERO_HASH };
    const row = { ...fields, hash: eventHash(fields) };
    frontier = appendToFrontier(frontier, k, leafHash(row.hash).toString('hex'));
    heads.set(r.streamId, row);
    return row;
  });
  return { rows: out, frontier, heads };
}

async function writeRows(o: OpenedStore, rows: readonly EventRow[]): Promise<void> {
  await o.raw.tamper('DELETE FROM events');
  for (const r of rows) {
    await o.raw.tamper(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      r.globalPosition, r.streamId, r.streamPosition, r.type, r.data, r.actor, r.recordedAt, r.prevHash, r.hash,
    ]);
  }
}

async function snapshot(o: OpenedStore) {
  return {
    rows: (await o.raw.query('SELECT * FROM events ORDER BY global_position')).map(fromDb),
    streams: await o.raw.query('SELECT stream_id, version, hash FROM streams'),
    log: (await o.raw.query('SELECT size, frontier FROM log_state'))[0]!,
    checkpoints: await o.raw.query('SELECT size, root_hash, note, created_at FROM checkpoints ORDER BY size'),
    file: await readFile(o.checkpointFile, 'utf8'),
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

async function restore(o: OpenedStore, s: Snapshot): Promise<void> {
  await writeRows(o, s.rows);
  await o.raw.tamper('DELETE FROM streams');
  for (const r of s.streams) await o.raw.tamper('INSERT INTO streams (stream_id, version, hash) VALUES (?, ?, ?)', [r.stream_id, Number(r.version), r.hash]);
  await o.raw.tamper('UPDATE log_state SET size = ?, frontier = ? WHERE id = 1', [Number(s.log.size), asText(s.log.frontier)]);
  await o.raw.tamper('DELETE FROM checkpoints');
  for (const c of s.checkpoints) {
    await o.raw.tamper('INSERT INTO checkpoints (size, root_hash, note, created_at) VALUES (?, ?, ?, ?)', [Number(c.size), c.root_hash, c.note, c.created_at]);
  }
  await writeFile(o.checkpointFile, s.file);
}

async function apply(o: OpenedStore, s: Snapshot, t: Tampering): Promise<void> {
  const mutated = mutate(s.rows, t.mutation);
  if (!t.careful) {
    if (t.mutation.kind === 'swap' || t.mutation.kind === 'insert') await writeRows(o, mutated);
    else if (t.mutation.kind === 'delete' || t.mutation.kind === 'truncate') {
      const kept = new Set(mutated.map((r) => r.globalPosition));
      for (const r of s.rows) if (!kept.has(r.globalPosition)) await o.raw.tamper('DELETE FROM events WHERE global_position = ?', [r.globalPosition]);
    } else {
      const i = (t.mutation.at - 1) % s.rows.length;
      const r = mutated[i]!;
      await o.raw.tamper('UPDATE events SET type = ?, data = ?, actor = ?, recorded_at = ? WHERE global_position = ?', [r.type, r.data, r.actor, r.recordedAt, r.globalPosition]);
    }
  } else {
    const { rows, frontier, heads } = rechain(mutated);
    await writeRows(o, rows);
    await o.raw.tamper('DELETE FROM streams');
    for (const [id, h] of heads) await o.raw.tamper('INSERT INTO streams (stream_id, version, hash) VALUES (?, ?, ?)', [id, h.streamPosition, h.hash]);
    await o.raw.tamper('UPDATE log_state SET size = ?, frontier = ? WHERE id = 1', [rows.length, JSON.stringify(frontier)]);
  }
  if (t.dropDbCheckpoints) await o.raw.tamper('DELETE FROM checkpoints');
}

const arbMutation = (size: number): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constantFrom('alter_data', 'alter_type', 'alter_actor', 'alter_time', 'delete', 'insert'), at: fc.integer({ min: 1, max: size }) }) as fc.Arbitrary<Mutation>,
    fc.record({ kind: fc.constant('swap' as const), at: fc.integer({ min: 1, max: size }), other: fc.integer({ min: 1, max: size }) }),
    fc.record({ kind: fc.constant('truncate' as const), count: fc.integer({ min: 1, max: 10 }) }),
  );

export function tamperContract(fixture: StoreFixture, runs: number): void {
  const suite = fixture.skipReason === undefined ? describe : describe.skip;
  suite(`tamper evidence: ${fixture.name}`, () => {
    // Hundreds of verify runs against a real database: seconds normally, more on a loaded CI machine.
    it(`detects ${runs} random tamperings of a sealed log, naming the first broken event`, { timeout: 180_000 }, async () => {
      const o = await fixture.open({ everyEvents: 16 });
      try {
        for (let i = 0; i < 60; i++) {
          await o.store.append({ streamId: `batch-${i % 6}`, events: [{ type: 'StepCompleted', data: { i, value: i * 1.5 } }], expectedVersion: 'any', actor: `user-${i % 4}` });
        }
        await o.store.checkpoint();
        expect((await verifyOpened(o)).ok).toBe(true);
        const pristine = await snapshot(o);
        const samples = fc.sample(
          fc.record({ mutation: arbMutation(pristine.rows.length), careful: fc.boolean(), dropDbCheckpoints: fc.boolean() }),
          { numRuns: runs, seed: 6962 },
        );
        const missed: Tampering[] = [];
        const byKind = new Map<string, number>();
        for (const t of samples) {
          await apply(o, pristine, t);
          const report = await verifyOpened(o);
          if (report.ok) missed.push(t);
          else {
            byKind.set(report.problems[0]!.kind, (byKind.get(report.problems[0]!.kind) ?? 0) + 1);
            const m = t.mutation;
            if (!t.careful && m.kind.startsWith('alter_') && 'at' in m) {
              // A naive edit is pinned to the very event that was edited.
              expect(report.problems[0]!.globalPosition).toBe(((m.at - 1) % pristine.rows.length) + 1);
            }
          }
          await restore(o, pristine);
        }
        console.log(`tamper detection (${fixture.name}): ${samples.length - missed.length}/${samples.length} detected; first problem by kind: ${JSON.stringify(Object.fromEntries(byKind))}`);
        expect(missed).toEqual([]);
        expect((await verifyOpened(o)).ok).toBe(true);
      } finally {
        await o.dispose();
      }
    });

    it('rejects a forged checkpoint, and a validly signed one for a history that never was', async () => {
      const o = await fixture.open();
      try {
        for (let i = 0; i < 10; i++) await o.store.append({ streamId: 's', events: [{ type: 'E', data: { i } }], expectedVersion: 'any', actor: 'u' });
        const cp = (await o.store.checkpoint())!;
        const pristine = await snapshot(o);
        // A signature by a key nobody trusts.
        const forged = cp.note.replace(/ [A-Za-z0-9+/=]+\n$/, ` ${Buffer.alloc(68, 7).toString('base64')}\n`);
        await writeFile(o.checkpointFile, `${pristine.file}${JSON.stringify({ note: forged })}\n`);
        const r1 = await verifyOpened(o);
        expect(r1.ok).toBe(false);
        expect(r1.problems.map((p) => p.kind)).toContain('checkpoint_forged');
        await restore(o, pristine);
        // The real key (stolen, or a bug) signing a root the log does not have.
        const fork = signCheckpoint({ origin: o.key.name, size: 10, rootHash: 'ab'.repeat(32) }, o.key);
        await writeFile(o.checkpointFile, `${pristine.file}${JSON.stringify({ note: fork })}\n`);
        const r2 = await verifyOpened(o);
        expect(r2.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['checkpoint_conflict', 'history_rewritten']));
        await restore(o, pristine);
        const inconsistent = signCheckpoint({ origin: o.key.name, size: 5, rootHash: 'cd'.repeat(32) }, o.key);
        await o.raw.tamper('INSERT INTO checkpoints (size, root_hash, note, created_at) VALUES (?, ?, ?, ?)', [5, 'cd'.repeat(32), inconsistent, cp.createdAt]);
        const r3 = await verifyOpened(o);
        expect(r3.problems.map((p) => p.kind)).toContain('history_rewritten');
        await restore(o, pristine);
        expect((await verifyOpened(o)).ok).toBe(true);
      } finally {
        await o.dispose();
      }
    });
  });
}
