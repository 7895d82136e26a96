/**
 * Batch snapshots are stored without the procedure definition (it is the same for every command of a batch)
 * and completed on load; these tests pin that the state the engine decides on is the same as replaying the
 * stream, whichever path loaded it: a warm cache, a cold one (a restarted server), or a snapshot written
 * before definitions were left out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evolveBatch, initialBatchState, type BatchState } from '../domain/execution/batch-state.ts';
import type { BatchEvent } from '../domain/execution/batch-events.ts';
import { actorOf, setUpPlant } from '../demo/plant.ts';
import { createLedgerStore, type LedgerStore } from '../store/ledger-store.ts';
import { loadOrCreateLedgerKey } from '../store/ledger/signing-key.ts';
import { openSqliteBackend } from '../store/sqlite/backend.ts';
import { executeBatchCommand } from './batch-commands.ts';
import { createEngine } from './engine.ts';
import type { Snapshot } from './snapshots.ts';

const SITE = 'PLANT-A';
const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function openDir(dir: string): Promise<LedgerStore> {
  const key = await loadOrCreateLedgerKey(join(dir, 'keys'), 'plant-a');
  const store = await createLedgerStore({ backend: openSqliteBackend({ file: join(dir, 'openbes.db') }), checkpoints: { key, file: join(dir, 'cp.jsonl'), everyEvents: 1000, everyMs: 0 } });
  return store;
}

async function replayed(store: LedgerStore, batchId: string): Promise<BatchState> {
  const events = await store.readStream(`batch-${batchId}`);
  return events.reduce((s, e) => evolveBatch(s, { type: e.type, data: e.data } as BatchEvent), initialBatchState);
}

describe('batch snapshots', () => {
  it('store the batch without its definition and give it back on load, warm or cold', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bes-snap-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    let store = await openDir(dir);
    let engine = createEngine({ store });
    const { procedures } = await setUpPlant(engine, { site: SITE, proceduresDir: EXAMPLES, procedures: ['px10-compression.yaml'] });
    const version = procedures[0]!.version;
    const sam = await actorOf(engine, 'sam', SITE);
    const olivia = await actorOf(engine, 'olivia', SITE);
    const created = await executeBatchCommand(engine, 'B-1', { type: 'CreateBatch', data: { batchId: 'B-1', site: SITE, procedure: 'PX10-COMPRESSION', version, batchSize: 150_000 } }, sam);
    expect(created.ok).toBe(true);
    const started = await executeBatchCommand(engine, 'B-1', { type: 'StartStep', data: { stepId: 'line-clearance' } }, olivia);
    expect(started.ok).toBe(true);

    const stored = await store.getDocument<Snapshot<BatchState>>('batch', 'B-1');
    expect(stored?.state.definition).toBeUndefined();
    expect(JSON.stringify(stored).length).toBeLessThan(4_000);

    const truth = await replayed(store, 'B-1');
    expect((await engine.load<BatchState>('batch', 'B-1')).state).toEqual(truth);

    // A restarted server: a new engine with an empty cache reads the definition from the procedure.
    await store.close();
    store = await openDir(dir);
    engine = createEngine({ store });
    expect((await engine.load<BatchState>('batch', 'B-1')).state).toEqual(truth);
    const cold = await createEngine({ store }).load<BatchState>('batch', 'B-1');
    expect(cold.state.definition?.steps.length).toBe(truth.definition?.steps.length);
    await store.close();
  });

  it('decide on the same state as a replay after every command of a batch', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bes-snap-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const store = await openDir(dir);
    cleanups.push(() => store.close());
    const engine = createEngine({ store });
    const { procedures } = await setUpPlant(engine, { site: SITE, proceduresDir: EXAMPLES, procedures: ['px10-compression.yaml'] });
    const sam = await actorOf(engine, 'sam', SITE);
    const olivia = await actorOf(engine, 'olivia', SITE);
    const commands = [
      [sam, { type: 'CreateBatch', data: { batchId: 'B-2', site: SITE, procedure: 'PX10-COMPRESSION', version: procedures[0]!.version, batchSize: 150_000 } }],
      [olivia, { type: 'StartStep', data: { stepId: 'line-clearance' } }],
      [olivia, { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'area_clear', value: true } }],
      [olivia, { type: 'RecordValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 11 } }],
      [olivia, { type: 'CorrectValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 15, reason: 'misread the gauge' } }],
      [olivia, { type: 'CompleteStep', data: { stepId: 'line-clearance' } }],
      [sam, { type: 'VerifyStep', data: { stepId: 'line-clearance', signature: { meaning: 'verified' } } }],
    ] as const;
    for (const [actor, command] of commands) {
      const outcome = await executeBatchCommand(engine, 'B-2', command, actor);
      expect(outcome.ok ? 'ok' : outcome.refusal.message).toBe('ok');
      expect((await createEngine({ store }).load<BatchState>('batch', 'B-2')).state).toEqual(await replayed(store, 'B-2'));
    }
  });
});
