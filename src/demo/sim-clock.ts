/**
 * The clock of the demo: set to a moment in the past while the plant's history is written (so its events
 * carry the times the work happened), and the real clock otherwise. It never runs ahead of real time:
 * nothing in the ledger may claim to come from the future.
 */
export interface SimClock {
  /** What the engine and the store call. */
  readonly now: () => Date;
  /** Simulated time from now on; `undefined` goes back to the real clock. */
  set(at: Date | undefined): void;
  advance(minutes: number): void;
  readonly simulating: () => boolean;
}

export function createSimClock(real: () => Date = () => new Date()): SimClock {
  let simulated: Date | undefined;
  const clamp = (at: Date) => {
    const limit = real();
    return at.getTime() > limit.getTime() ? limit : at;
  };
  return {
    now: () => simulated ?? real(),
    set(at) {
      simulated = at === undefined ? undefined : clamp(at);
    },
    advance(minutes) {
      if (simulated !== undefined) simulated = clamp(new Date(simulated.getTime() + minutes * 60_000));
    },
    simulating: () => simulated !== undefined,
  };
}
