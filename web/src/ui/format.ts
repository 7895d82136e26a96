/** How times, durations and values are written on screen (in the browser's locale and time zone). */
import type { StoredValue } from '../api/types.ts';

export function dateTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function time(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

export function storedValue(value: StoredValue | undefined, unit?: string): string {
  if (value === undefined) return '—';
  const u = unit !== undefined && unit !== '' ? ` ${unit}` : '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return `${value}${u}`;
  if (typeof value === 'string') return value;
  return `mean ${round(value.mean)}${u} (min ${value.min}, max ${value.max}, n = ${value.values.length})`;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** "8 – 12 kP", "≥ 10 Pa", from a range with open ends. */
export function range(r: { min?: number; max?: number } | undefined, unit?: string): string | undefined {
  if (r === undefined || (r.min === undefined && r.max === undefined)) return undefined;
  const u = unit ? ` ${unit}` : '';
  if (r.min !== undefined && r.max !== undefined) return `${r.min} – ${r.max}${u}`;
  if (r.min !== undefined) return `≥ ${r.min}${u}`;
  return `≤ ${r.max}${u}`;
}
