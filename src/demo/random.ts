/** A small seeded generator (mulberry32), so the demo plant's history is the same on every first start. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks each mistake with probability `p`. */
export function pickSome<T>(random: () => number, items: readonly T[], p: number): T[] {
  return items.filter(() => random() < p);
}
