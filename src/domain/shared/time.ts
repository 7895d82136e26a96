/**
 * Durations as process engineers write them ("15m", "4h", "1h30m", "2d", "45s") and arithmetic on
 * ISO timestamps given as inputs. Pure: no clock is read here.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Milliseconds of a duration such as "1h30m"; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!DURATION.test(compact)) return undefined;
  let total = 0;
  for (const [, n, unit] of compact.matchAll(PART)) total += Number(n) * UNIT_MS[unit!]!;
  return Math.round(total);
}

/** A duration for people: "4 h", "1 h 30 min", "45 s". */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s || parts.length === 0) parts.push(`${s} s`);
  return parts.join(' ');
}

/** Milliseconds from `from` to `to`, both ISO timestamps. */
export function elapsedMs(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}

/** ISO timestamp `ms` after `at`. */
export function addMs(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

/** The calendar day of an ISO timestamp, as operators read it (UTC): "2026-11-20". */
export function dayOf(at: string): string {
  return at.slice(0, 10);
}
