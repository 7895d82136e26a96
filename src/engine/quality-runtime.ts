/**
 * The quality automation running beside the server: on every tick the reactor catches up with the ledger
 * (routing decisions, feeding CAPAs, keeping timer rows in step), then the scheduler fires the timers that
 * are due. Ticks never overlap; `tick()` is there for tests and for a CLI that runs one pass.
 */
import { hostname } from 'node:os';
import type { RoutingConfig } from '../domain/decisions/routing.ts';
import type { TimerStore } from '../timers/timer-store.ts';
import { createTimerScheduler, type PassReport } from '../timers/scheduler.ts';
import { createQualityReactor } from './quality-reactor.ts';
import { qualityTimerFiring } from './quality-timers.ts';
import type { Engine, Outcome } from './engine.ts';

export interface QualityRuntimeOptions {
  readonly engine: Engine;
  readonly timers: TimerStore;
  readonly routing: RoutingConfig;
  /** The scheduler's time (default: the system clock); the engine has its own. */
  readonly clock?: () => Date;
  /** Who claims timers; unique per process (default host:pid). */
  readonly owner?: string;
  readonly leaseMs?: number;
  readonly onError?: (error: unknown) => void;
  readonly onRefused?: (what: string, outcome: Outcome) => void;
}

export interface QualityRuntime {
  /** One pass: catch up with the ledger, then fire due timers. */
  tick(): Promise<{ readonly events: number; readonly timers: PassReport }>;
  /** Ticks every `intervalMs` until stopped. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createQualityRuntime(options: QualityRuntimeOptions): QualityRuntime {
  const clock = options.clock ?? (() => new Date());
  const onError = options.onError ?? ((error: unknown) => console.error('[quality]', error));
  const reactor = createQualityReactor({ engine: options.engine, timers: options.timers, routing: options.routing, ...(options.onRefused ? { onRefused: options.onRefused } : {}) });
  const scheduler = createTimerScheduler({
    timers: options.timers,
    fire: qualityTimerFiring(options.engine),
    clock,
    owner: options.owner ?? `${hostname()}:${process.pid}`,
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    onError: (error, timer) => onError(new Error(`timer ${timer.key}: ${error instanceof Error ? error.message : String(error)}`)),
  });
  let running: Promise<unknown> | undefined;
  let interval: NodeJS.Timeout | undefined;

  async function tick() {
    const events = await reactor.catchUp();
    const timers = await scheduler.runDue();
    // Escalations are events too: the reactor schedules their next step at once.
    const after = timers.fired > 0 ? await reactor.catchUp() : 0;
    return { events: events + after, timers };
  }

  return {
    tick,
    start(intervalMs: number) {
      if (interval !== undefined) return;
      interval = setInterval(() => {
        if (running !== undefined) return;
        running = tick()
          .catch(onError)
          .finally(() => {
            running = undefined;
          });
      }, intervalMs);
      interval.unref();
    },
    async stop() {
      if (interval !== undefined) clearInterval(interval);
      interval = undefined;
      await running;
    },
  };
}
