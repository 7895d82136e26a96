/** How the printed record writes values, limits, times and people. */
import { describeRange } from '../../domain/execution/limits.ts';
import type { FieldRecord, WhoRecord } from '../record-schema.ts';
import { html, type Html } from './html.ts';

type Value = FieldRecord['entries'][number]['value'];

/** ISO server time as "2026-11-25 06:05:00 UTC". */
export function time(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return m === null ? iso : `${m[1]} ${m[2]} UTC`;
}

export function value(v: Value | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return `mean ${v.mean} · min ${v.min} · max ${v.max}`;
  return String(v);
}

/** The individual samples of a multi-sample value, or nothing. */
export function samples(v: Value | null | undefined): string {
  return typeof v === 'object' && v !== null ? `${v.values.length} samples: ${v.values.join(', ')}` : '';
}

export function limit(field: FieldRecord, kind: 'spec' | 'alert'): string {
  if (kind === 'spec' && field.expect !== null) return typeof field.expect === 'boolean' ? (field.expect ? 'yes' : 'no') : field.expect.join(' or ');
  const range = field.limits?.[kind];
  return range === undefined ? '—' : describeRange(range, field.unit ?? '');
}

const EVALUATION_WORDS: Record<string, string> = { in_spec: 'in spec', alert: 'ALERT', out_of_spec: 'OUT OF SPEC', unchecked: 'not evaluated' };

export function evaluation(e: string): Html {
  return html`<span class="ev ev-${e}">${EVALUATION_WORDS[e] ?? e}</span>`;
}

export function person(id: string, name: string | null): string {
  return name === null ? id : `${name} (${id})`;
}

export function who(w: WhoRecord | null): Html {
  if (w === null) return html`<span class="none">—</span>`;
  return html`${person(w.id, w.name)}, ${time(w.at)} <span class="pos">#${w.position}</span>`;
}
