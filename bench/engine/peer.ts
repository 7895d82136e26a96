/**
 * The in-memory peer: the same PX10 steps as a BPMN 2.0 process (bench/engine/px10.bpmn) executed by
 * bpmn-engine — no durability, no rules, no store. N process instances run at once; every user task is
 * completed (signalled, with the values our batch records in that step) as soon as it waits, and the figure
 * is user tasks completed per second, from the first instance's start to the last one's end.
 *
 * Kind to the peer: each instance's definition is parsed before the clock starts (our procedure is likewise
 * published before our batches run), its logger is a no-op, and signals are sent synchronously from the
 * wait event (the documented pattern), so nothing but bpmn-engine's own execution is timed. With synchronous
 * signals an instance runs to its end inside execute(), so N instances "at once" interleave only between
 * instances; signalling on a later turn of the event loop interleaves them fully but was slower in trials
 * here (about 700-880 against 1,000-1,100 tasks/s), so the faster way is the one measured.
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { Engine } from 'bpmn-engine';
import { now } from '../lib/stats.ts';
import { PX10_STEPS } from '../../src/demo/px10-script.ts';

export interface PeerRound {
  readonly instances: number;
  readonly concurrency: number;
  readonly tasks: number;
  readonly ms: number;
  /** Time to create the instances and parse their definitions (not in `ms`). */
  readonly prepareMs: number;
}

/** What our batch records in each step, passed as the user task's completion payload. */
const STEP_OUTPUT: Readonly<Record<string, unknown>> = {
  'line-clearance': { area_clear: true, booth_pressure: 15 },
  'dispense-api': { api: { lot: 'API-2611', quantity: 1.5, unit: 'kg' } },
  'dispense-excipients': { lactose: 18, mcc: 9, ccs: 1200, mgst: 0.3, water: 9 },
  granulate: { water_addition_time: 4, end_point_power: 5.2 },
  dry: { lod: 2.1 },
  blend: { blend_time: 10, produced: 30 },
  'press-setup': { press_scanned: 'P-01', punch_set: 'PX10-P001', tooling_inspected: true },
  compress: { hardness: 10, ipc_weight: 200, thickness: 4.1 },
  reconcile: { good_tablets: 146_000, rejected_tablets: 2_000, ipc_tablets: 1_500 },
};

const silent = () => ({ debug() {}, error() {}, warn() {} });

export async function loadPeerSource(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

/**
 * Runs `instances` PX10 processes to their end, `concurrency` at a time (all at once when they are equal;
 * one after the other with 1, as our batches at N = 1).
 */
export async function runPeer(source: string, instances: number, concurrency: number, tag: string): Promise<PeerRound> {
  const p0 = now();
  const engines = Array.from({ length: instances }, (_, i) => new Engine({ name: `${tag}-${i}`, source, Logger: silent }));
  // Parse and load every definition before timing (the engine keeps the parsed source for execute()).
  await Promise.all(engines.map((e) => e.getDefinitions()));
  const prepareMs = now() - p0;

  let tasks = 0;
  const runOne = async (engine: Engine) => {
    const listener = new EventEmitter();
    listener.on('activity.wait', (api: { id: string; type: string; signal: (message?: unknown) => void }) => {
      if (api.type === 'bpmn:UserTask') api.signal({ id: api.id, values: STEP_OUTPUT[api.id] });
    });
    listener.on('activity.end', (api: { type: string }) => {
      if (api.type === 'bpmn:UserTask') tasks++;
    });
    const ended = engine.waitFor('end');
    await engine.execute({ listener });
    await ended;
  };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < engines.length; i = next++) await runOne(engines[i]!);
  };
  const t0 = now();
  await Promise.all(Array.from({ length: Math.min(concurrency, instances) }, worker));
  const ms = now() - t0;
  if (tasks !== instances * PX10_STEPS.length) throw new Error(`the peer completed ${tasks} user tasks, expected ${instances * PX10_STEPS.length}`);
  return { instances, concurrency: Math.min(concurrency, instances), tasks, ms, prepareMs };
}
