/**
 * The plant simulator (`npm start -- --simulate`): simulated operators run PX10 batches on a line in real
 * time through the engine — with the mistakes people make (which the engine refuses) and now and then an
 * out-of-spec hardness check (a deviation that holds the batch until QA releases it) — so the leader's
 * figures move while you watch. Each batch's script is derived from its id, so after a restart the
 * simulator replays what was done (idempotent) and carries on where it stopped.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Actor } from '../domain/shared/decider.ts';
import type { BatchState } from '../domain/execution/batch-state.ts';
import type { Engine } from '../engine/engine.ts';
import type { Snapshot } from '../engine/snapshots.ts';
import type { ProcedureState } from '../domain/procedure/lifecycle.ts';
import { actorOf } from './plant.ts';
import { MISTAKES, PEOPLE, PX10_PROCEDURE, px10Sequence, type SequenceItem } from './px10-script.ts';
import { pickSome, seededRandom } from './random.ts';
import { runScript } from './run-script.ts';
import { cleanLine } from './seed.ts';
import { decideDeviation } from './deviation-decisions.ts';
import type { QualityRuntime } from '../engine/quality-runtime.ts';

export interface SimulatorOptions {
  readonly engine: Engine;
  readonly site: string;
  /** The line's equipment and lot prefix (src/demo/plant.ts). */
  readonly line: string;
  /** How many times faster than the procedure's standard times people work (default 150). */
  readonly speed?: number;
  /** The shortest pause between two commands (default 700 ms: people never act instantly). */
  readonly minPauseMs?: number;
  readonly log?: (line: string) => void;
  /** Routes the deviations' decisions. */
  readonly quality: QualityRuntime;
}

export interface Simulator {
  stop(): Promise<void>;
}

const DAY = 86_400_000;
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

/** The script of a batch, from its id alone: what it does is the same every time it is asked. */
export function scriptFor(batchId: string, options: { site: string; line: string; version: number; expiry: string }): SequenceItem[] {
  const seed = createHash('sha256').update(batchId).digest().readUInt32BE(0);
  const random = seededRandom(seed);
  // The seeded batch of today follows the plain script; simulated ones vary.
  const plain = !batchId.includes('-S');
  return px10Sequence({
    batchId,
    site: options.site,
    version: options.version,
    prefix: options.line,
    expiry: options.expiry,
    ...(plain ? {} : { outOfSpec: random() < 0.2, mistakes: pickSome(random, MISTAKES, 0.3), ipcRounds: 8, hardness: 9.4 + Math.round(random() * 12) / 10 }),
  });
}

/** Starts the simulator on one line; it runs until stopped. */
export function startSimulator(options: SimulatorOptions): Simulator {
  const { engine, site, line } = options;
  const speed = options.speed ?? 150;
  const minPause = options.minPauseMs ?? 700;
  const log = options.log ?? (() => {});
  const abort = new AbortController();
  const stopped = () => abort.signal.aborted;

  const pause = async (minutes: number) => {
    // An hour of standard time passes `speed` times faster.
    const ms = Math.min(8_000, Math.max(minPause, (minutes * 60_000) / speed));
    await sleep(ms, undefined, { signal: abort.signal }).catch(() => {});
  };

  async function runBatch(batchId: string, version: number, actors: Record<string, Actor>, createdAt: Date): Promise<void> {
    const items = scriptFor(batchId, { site, line, version, expiry: isoDay(new Date(createdAt.getTime() + 30 * DAY)) });
    log(`simulator: batch ${batchId} on line ${line.replace(/-$/, '')}`);
    await runScript({ engine, batchId, items, actors, pass: pause, stopped, decideDeviation: (id) => decideDeviation(engine, options.quality, id, actors) });
    if (stopped()) return;
    await cleanLine(engine, site, line, batchId);
    log(`simulator: batch ${batchId} completed`);
  }

  const done = (async () => {
    const actors = Object.fromEntries(await Promise.all(PEOPLE.map(async (p) => [p, await actorOf(engine, p, site)] as const)));
    const batches = await engine.store.listDocuments<Snapshot<BatchState>>('batch');
    const mine = (b: BatchState) => b.site === site && b.procedure === PX10_PROCEDURE && b.id.startsWith('PX10-') && (b.id.endsWith('-1') || b.id.includes('-S'));
    const unfinished = batches.map((d) => d.state).filter((b) => b.status === 'in_progress' && mine(b));
    for (const b of unfinished) {
      if (stopped()) return;
      const first = (await engine.store.readStream(`batch-${b.id}`, { limit: 1 }))[0];
      await runBatch(b.id, b.version, actors, new Date(first?.recordedAt ?? engine.now()));
    }
    let n = batches.filter((d) => d.state.id.includes('-S')).length;
    while (!stopped()) {
      const version = await effectiveVersion(engine);
      const now = new Date(engine.now());
      n += 1;
      await runBatch(`PX10-${isoDay(now).replaceAll('-', '').slice(2)}-S${n}`, version, actors, now);
      await pause(30);
    }
  })().catch((error: unknown) => {
    // A person using the same line through the UI can make the script's expectations wrong: stop, say why.
    log(`simulator stopped: ${error instanceof Error ? error.message : String(error)}`);
  });

  return {
    async stop() {
      abort.abort();
      await done;
    },
  };
}

async function effectiveVersion(engine: Engine): Promise<number> {
  const procedure = await engine.load<ProcedureState>('procedure', PX10_PROCEDURE);
  const effective = procedure.state.versions.find((v) => v.status === 'effective');
  if (effective === undefined) throw new Error(`${PX10_PROCEDURE} has no effective version`);
  return effective.version;
}
