/**
 * The demo site is written through the engine on first start: these tests pin that a newcomer finds a
 * plant with history and with the blocked resources the demo promises, each blocked for its real reason.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchState } from '../../src/domain/execution/batch-state.ts';
import type { EquipmentState } from '../../src/domain/resources/equipment-state.ts';
import { equipmentReadiness } from '../../src/domain/resources/equipment-readiness.ts';
import type { LotState } from '../../src/domain/resources/lot-state.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import type { PreventedErrors } from '../../src/engine/refusals.ts';
import { seedDemoSite, DEMO_SITE, type DemoSummary } from '../../src/demo/seed.ts';
import { createSimClock } from '../../src/demo/sim-clock.ts';
import { createLedgerStore, type LedgerStore } from '../../src/store/ledger-store.ts';
import { loadOrCreateLedgerKey } from '../../src/store/ledger/signing-key.ts';
import { openSqliteBackend } from '../../src/store/sqlite/backend.ts';
import { verifyStore } from '../../src/store/verify-store.ts';
import { openSqliteTimerStore } from '../../src/timers/sqlite/timer-store.ts';
import type { TimerStore } from '../../src/timers/timer-store.ts';
import { createQualityRuntime, type QualityRuntime } from '../../src/engine/quality-runtime.ts';
import { loadRoutingFile } from '../../src/engine/quality-routing.ts';

let dir: string;
let store: LedgerStore;
let engine: Engine;
let summary: DemoSummary;
let timers: TimerStore;
let quality: QualityRuntime;
const clock = createSimClock();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bes-demo-'));
  const key = await loadOrCreateLedgerKey(join(dir, 'keys'), 'demo');
  store = await createLedgerStore({ backend: openSqliteBackend({ file: join(dir, 'openbes.db') }), clock: clock.now, checkpoints: { key, file: join(dir, 'cp.jsonl'), everyEvents: 1000, everyMs: 0 } });
  engine = createEngine({ store, clock: clock.now });
  timers = await openSqliteTimerStore({ file: join(dir, 'openbes.db') });
  quality = createQualityRuntime({ engine, timers, routing: loadRoutingFile(resolve(import.meta.dirname, '../../config/routing.example.yaml')), clock: clock.now });
  summary = await seedDemoSite({ engine, clock, quality, proceduresDir: resolve(import.meta.dirname, '../../examples/procedures') });
}, 120_000);

afterAll(async () => {
  await quality.stop();
  await timers.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the demo site', () => {
  it('has three weeks of completed batches, with deviations and refused mistakes', async () => {
    expect(summary).toMatchObject({ site: DEMO_SITE, completedBatches: 20 });
    expect(summary.deviations).toBeGreaterThanOrEqual(3);
    expect(summary.refusedAttempts).toBeGreaterThanOrEqual(40);
    const prevented = await store.getDocument<PreventedErrors>('prevented-errors', DEMO_SITE);
    expect(Object.keys(prevented?.byCode ?? {})).toEqual(expect.arrayContaining(['self_verification', 'quantity_out_of_tolerance', 'batch_on_hold']));
    // Only the out-of-spec checks raised deviations: every in-process round was recorded on time.
    expect(await store.listDocuments('deviation')).toHaveLength(summary.deviations);
    const batches = await store.listDocuments<{ state: BatchState }>('batch');
    expect(batches.filter((b) => b.state.status === 'completed')).toHaveLength(20);
  });

  it('dates its history in the past and is back on real time afterwards', async () => {
    const [first] = await store.readAll({ after: 0, limit: 1 });
    expect(Date.parse(first!.recordedAt)).toBeLessThan(Date.now() - 15 * 86_400_000);
    expect(clock.simulating()).toBe(false);
  });

  it('has a batch in progress waiting for a supervisor to verify its line clearance', async () => {
    const batch = (await engine.load<BatchState>('batch', summary.inProgress)).state;
    expect(batch.status).toBe('in_progress');
    expect(batch.steps['line-clearance']?.status).toBe('awaiting_verification');
  });

  it('blocks a hardness tester past calibration, a dirty blender, an expired and a quarantined lot', async () => {
    const now = new Date().toISOString();
    const tester = (await engine.load<EquipmentState>('equipment', 'L2-HT-01')).state;
    expect(equipmentReadiness(tester, ['calibrated'], now, 'X')).toMatchObject({ code: 'equipment_not_ready' });
    expect(JSON.stringify(equipmentReadiness(tester, ['calibrated'], now, 'X'))).toMatch(/calibration/i);
    const blender = (await engine.load<EquipmentState>('equipment', 'L2-BLD-01')).state;
    expect(JSON.stringify(equipmentReadiness(blender, ['clean'], now, 'X'))).toMatch(/dirty|clean/i);
    const cleanBlender = (await engine.load<EquipmentState>('equipment', 'L1-BLD-01')).state;
    expect(equipmentReadiness(cleanBlender, ['clean'], now, 'X')).toBeUndefined();
    const expired = (await engine.load<LotState>('lot', 'LAC-0815')).state;
    expect(expired.expiry < now.slice(0, 10)).toBe(true);
    expect((await engine.load<LotState>('lot', 'API-2711')).state.status).toBe('quarantine');
  });

  it('verifies', async () => {
    const report = await verifyStore(store.backend, { checkpointFile: join(dir, 'cp.jsonl'), keysDir: join(dir, 'keys') });
    expect(report.ok).toBe(true);
  });
});

describe('the simulator', () => {
  it('finishes the batch in progress, then starts new ones, every command as the script expects', { timeout: 120_000 }, async () => {
    const { startSimulator } = await import('../../src/demo/simulator.ts');
    const lines: string[] = [];
    const before = (await store.head()).size;
    const simulator = startSimulator({ engine, site: DEMO_SITE, line: 'L1-', speed: 1e9, minPauseMs: 0, quality, log: (l) => lines.push(l) });
    const deadline = Date.now() + 100_000;
    while (!lines.some((l) => /S1 completed/.test(l)) && !lines.some((l) => /stopped/.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await simulator.stop();
    expect(lines.filter((l) => /stopped/.test(l))).toEqual([]);
    expect(lines).toEqual(expect.arrayContaining([`simulator: batch ${summary.inProgress} completed`]));
    expect((await engine.load<BatchState>('batch', summary.inProgress)).state.status).toBe('completed');
    expect((await store.head()).size).toBeGreaterThan(before + 100);
  });
});
