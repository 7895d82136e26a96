/**
 * Our engine under load: PX10 batches, each on its own line, every command through executeBatchCommand with
 * an idempotency key (full rule checks, the durable group-committed append and the projections).
 *
 *   - closed loop (runBatches): `concurrency` batches at once, each issuing its next command as soon as the
 *     previous one is answered; commands/s, steps/s and each command's own latency;
 *   - open loop (runAtRate): single commands started on a fixed schedule, latency from the scheduled start
 *     to the answer, so that a slow command delays the measurement of the ones queued behind it (no
 *     coordinated omission).
 */
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import type { Outcome } from '../../src/engine/engine.ts';
import { now } from '../lib/stats.ts';
import { SITE, type Plant } from './plant-lines.ts';
import { px10Sequence, type SequenceItem } from '../../src/demo/px10-script.ts';

/** One batch on one line: its id and commands. */
export interface BatchPlan {
  readonly batchId: string;
  readonly prefix: string;
  readonly items: readonly SequenceItem[];
}

export function planBatches(plant: Plant, prefixes: readonly string[], round: string): BatchPlan[] {
  const expiry = new Date(Date.parse(plant.engine.now()) + 30 * 86_400_000).toISOString().slice(0, 10);
  return prefixes.map((prefix) => {
    const batchId = `${round}-${prefix}B`;
    return { batchId, prefix, items: px10Sequence({ batchId, site: SITE, version: plant.version, prefix, expiry }) };
  });
}

/** What one command did, checked against what the sequence expects. */
function check(plan: BatchPlan, index: number, outcome: Outcome): void {
  const item = plan.items[index]!;
  const got = outcome.ok ? 'ok' : outcome.refusal.code;
  if (got !== item.expect || outcome.replayed) {
    const why = outcome.ok ? '' : `: ${outcome.refusal.message}`;
    throw new Error(`batch ${plan.batchId} command ${index + 1} (${item.person} ${item.command.type}) expected ${item.expect}, got ${got}${outcome.replayed ? ' (replayed)' : ''}${why}`);
  }
}

async function execute(plant: Plant, plan: BatchPlan, index: number): Promise<Outcome> {
  const item = plan.items[index]!;
  return executeBatchCommand(plant.engine, plan.batchId, item.command, plant.actors[item.person], { idempotencyKey: `${plan.batchId}:${index + 1}` });
}

export interface ClosedLoopRound {
  readonly concurrency: number;
  readonly batches: number;
  readonly accepted: number;
  readonly refused: number;
  /** Procedure steps finished (a step from start to done). */
  readonly steps: number;
  readonly ms: number;
  /** Each command's own latency (ms), sorted. */
  readonly latencies: Float64Array;
}

/** Runs every plan, `concurrency` batches at a time; the window is from the first command to the last answer. */
export async function runBatches(plant: Plant, plans: readonly BatchPlan[], concurrency: number): Promise<ClosedLoopRound> {
  const total = plans.reduce((n, p) => n + p.items.length, 0);
  const latencies = new Float64Array(total);
  let at = 0;
  let accepted = 0;
  let refused = 0;
  let steps = 0;
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < plans.length; b = next++) {
      const plan = plans[b]!;
      for (let i = 0; i < plan.items.length; i++) {
        const t0 = now();
        const outcome = await execute(plant, plan, i);
        latencies[at++] = now() - t0;
        check(plan, i, outcome);
        if (outcome.ok) accepted++;
        else refused++;
        if (plan.items[i]!.finishesStep !== undefined) steps++;
      }
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: Math.min(concurrency, plans.length) }, worker));
  const ms = now() - t0;
  return { concurrency, batches: plans.length, accepted, refused, steps, ms, latencies: latencies.sort() };
}

export interface OpenLoopRun {
  readonly targetPerSecond: number;
  readonly scheduled: number;
  readonly accepted: number;
  readonly refused: number;
  readonly ms: number;
  /** Latency from each command's scheduled start to its answer (ms), sorted. */
  readonly latencies: Float64Array;
  /** Service time alone: from the actual start to the answer (ms), sorted. */
  readonly serviceTimes: Float64Array;
  /** How late each command started after its scheduled time (ms), sorted: the event loop was busy, or no batch was ready. */
  readonly startDelays: Float64Array;
  /** Most commands in flight at once. */
  readonly maxInFlight: number;
  /** Commands that found no batch ready at their scheduled time and waited for one. */
  readonly waitedForBatch: number;
  readonly batchesUsed: number;
}

/**
 * Starts one command every 1000/perSecond ms for `durationMs`, each the next command of a batch that has no
 * command in flight (a batch's commands are sequential, as a person's actions are). Batches are taken from
 * `plans` as needed; when every started batch is busy, the command waits for one (and its latency shows it).
 */
export async function runAtRate(plant: Plant, plans: readonly BatchPlan[], perSecond: number, durationMs: number): Promise<OpenLoopRun> {
  const interval = 1000 / perSecond;
  const count = Math.floor(durationMs / interval);
  const latencies = new Float64Array(count);
  const service = new Float64Array(count);
  const delays = new Float64Array(count);
  let startedCount = 0;
  let done = 0;
  let accepted = 0;
  let refused = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let waited = 0;
  // Ready batches: [plan index, next command index]; batches not yet started come from `nextPlan`.
  const ready: { plan: number; index: number }[] = [];
  let nextPlan = 0;
  const takeBatch = (): { plan: number; index: number } | undefined => {
    const r = ready.pop();
    if (r !== undefined) return r;
    if (nextPlan < plans.length) return { plan: nextPlan++, index: 0 };
    return undefined;
  };
  /** Scheduled starts that found no ready batch, oldest first. */
  const backlog: number[] = [];
  let failure: unknown;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const start = (scheduled: number, batch: { plan: number; index: number }) => {
    const plan = plans[batch.plan]!;
    const began = now();
    delays[startedCount++] = began - scheduled;
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    execute(plant, plan, batch.index).then(
      (outcome) => {
        const t = now();
        inFlight--;
        latencies[done] = t - scheduled;
        service[done] = t - began;
        done++;
        try {
          check(plan, batch.index, outcome);
        } catch (error) {
          failure ??= error;
        }
        if (outcome.ok) accepted++;
        else refused++;
        if (batch.index + 1 < plan.items.length) ready.push({ plan: batch.plan, index: batch.index + 1 });
        if (backlog.length > 0) {
          const b = takeBatch();
          if (b !== undefined) start(backlog.shift()!, b);
          else if (inFlight === 0) {
            failure ??= new Error(`the fixed-rate phase ran out of batches (${plans.length}); give it more lines`);
            finish();
          }
        }
        if (done === count) finish();
      },
      (error: unknown) => {
        failure ??= error;
        finish();
      },
    );
  };

  const t0 = now();
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = now();
      while (issued < count && t0 + issued * interval <= t) {
        const scheduled = t0 + issued * interval;
        issued++;
        const b = backlog.length === 0 ? takeBatch() : undefined;
        if (b === undefined) {
          waited++;
          backlog.push(scheduled);
        } else start(scheduled, b);
      }
      if (issued >= count || failure !== undefined) {
        resolve();
        return;
      }
      // Timers fire on whole milliseconds, and late: sleep on one until about a millisecond before the next
      // start, then check on every turn of the event loop, so that the schedule is kept to a fraction of a
      // millisecond whenever the loop is free (the check is cheap, and runs only when nothing else is ready).
      const wait = t0 + issued * interval - now();
      if (wait > 1.5) setTimeout(tick, wait - 1);
      else setImmediate(tick);
    };
    tick();
  });
  if (failure === undefined) await finished;
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  const ms = now() - t0;
  return {
    targetPerSecond: perSecond,
    scheduled: count,
    accepted,
    refused,
    ms,
    latencies: latencies.sort(),
    serviceTimes: service.sort(),
    startDelays: delays.sort(),
    maxInFlight,
    waitedForBatch: waited,
    batchesUsed: nextPlan,
  };
}
