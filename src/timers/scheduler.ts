/**
 * Fires due timers: claims them (each goes to one process), fires each through `fire` — which runs a domain
 * command through the engine, idempotently — and marks it done; a failure gives the claim back to be tried
 * on a later pass. Time is injected, so tests move it by hand.
 */
import type { TimerRow, TimerStore } from './timer-store.ts';

export interface FireResult {
  /** `skipped`: the timer was no longer needed when it came due (its decision was taken meanwhile). */
  readonly status: 'fired' | 'skipped';
  readonly result: string;
}

export type FireTimer = (timer: TimerRow) => Promise<FireResult>;

export interface SchedulerOptions {
  readonly timers: TimerStore;
  readonly fire: FireTimer;
  readonly clock: () => Date;
  /** Who claims: unique per process (host and pid), so a claim names its holder. */
  readonly owner: string;
  /** How long a claim holds before another process may take it (default 60 s). */
  readonly leaseMs?: number;
  /** Timers claimed per round (default 50). */
  readonly batch?: number;
  readonly onError?: (error: unknown, timer: TimerRow) => void;
}

export interface PassReport {
  readonly fired: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface TimerScheduler {
  /** Fires every timer due now; resolves when none is left that this process could claim. */
  runDue(): Promise<PassReport>;
}

export function createTimerScheduler(options: SchedulerOptions): TimerScheduler {
  const leaseMs = options.leaseMs ?? 60_000;
  const batch = options.batch ?? 50;
  const onError = options.onError ?? ((error: unknown, timer: TimerRow) => console.error(`[timers] ${timer.key}:`, error));
  return {
    async runDue() {
      let fired = 0;
      let skipped = 0;
      let failed = 0;
      const tried = new Set<string>();
      for (;;) {
        const now = options.clock().toISOString();
        // A timer that failed in this pass is not fired again in it: claimed once more here, it stays held
        // until its lease runs out, which is its back-off before the next try.
        const claimed = (await options.timers.claimDue(now, options.owner, leaseMs, batch)).filter((t) => !tried.has(t.key));
        if (claimed.length === 0) break;
        for (const timer of claimed) {
          tried.add(timer.key);
          try {
            const outcome = await options.fire(timer);
            await options.timers.finish(timer.key, options.owner, outcome.status, options.clock().toISOString(), outcome.result);
            if (outcome.status === 'fired') fired += 1;
            else skipped += 1;
          } catch (error) {
            failed += 1;
            onError(error, timer);
            await options.timers.fail(timer.key, options.owner, error instanceof Error ? error.message : String(error));
          }
        }
      }
      return { fired, skipped, failed };
    },
  };
}
