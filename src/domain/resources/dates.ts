/**
 * Dates as resources hold them: an expiry or a due date is either a calendar day ("2026-11-25", meaning
 * through the END of that day, UTC, as it is printed on a label) or an exact ISO timestamp.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const DAY_MS = 86_400_000;

/** Whether a text is a real calendar day or an ISO timestamp with a zone (2026-02-30 is not). */
export function isIsoDateOrTimestamp(text: string): boolean {
  const match = ISO.exec(text);
  if (!match) return false;
  const [, y, m, d, hh, mm, ss] = match;
  const day = `${y}-${m}-${d}`;
  const ms = Date.parse(day);
  // Date.parse accepts 2026-02-30; a round trip does not.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) return false;
  if (hh !== undefined && (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59)) return false;
  return true;
}

/** Whether a text is a calendar day without a time ("2026-11-25"). */
export function isDateOnly(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text);
}

/** The first instant (epoch ms) at which a date-or-timestamp no longer holds: the next midnight UTC for a day. */
export function validUntilMs(dateOrTimestamp: string): number {
  const ms = Date.parse(dateOrTimestamp);
  return isDateOnly(dateOrTimestamp) ? ms + DAY_MS : ms;
}

/** Whether a date-or-timestamp still holds at `now` (an expiry of today holds until midnight UTC). */
export function stillValid(dateOrTimestamp: string, now: string): boolean {
  return validUntilMs(dateOrTimestamp) > Date.parse(now);
}

/** A date-or-timestamp for people, in UTC: "2026-11-24" or "2026-11-24 10:00". */
export function formatWhen(dateOrTimestamp: string): string {
  if (isDateOnly(dateOrTimestamp)) return dateOrTimestamp;
  const iso = new Date(Date.parse(dateOrTimestamp)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
