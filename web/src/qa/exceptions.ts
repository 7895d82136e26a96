/**
 * Review by exception: from the batch record, only what needs a reviewer's eyes — values outside their
 * alert or specification limits, corrections, deviations, holds, refused attempts, signatures that no
 * longer cover their data, and ledger problems. Everything in spec and signed stays out of the way.
 */
import type { BatchRecord } from '../api/record.ts';
import { storedValue, range } from '../ui/format.ts';

export interface Exception {
  readonly kind: 'value' | 'correction' | 'deviation' | 'hold' | 'refusal' | 'signature' | 'ledger';
  readonly severity: 'info' | 'warn' | 'bad';
  readonly step?: string;
  readonly text: string;
  readonly who?: string;
  readonly at?: string;
}

export function exceptionsOf(record: BatchRecord): Exception[] {
  const out: Exception[] = [];
  const titles = new Map(record.sections.flatMap((s) => s.steps.map((step) => [step.id, step.title] as const)));
  const titleOf = (stepId: string | null) => (stepId === null ? undefined : (titles.get(stepId) ?? stepId));
  for (const section of record.sections) {
    for (const step of section.steps) {
      for (const field of step.fields) {
        for (const entry of field.entries) {
          if (entry.evaluation !== 'alert' && entry.evaluation !== 'out_of_spec') continue;
          const limits = entry.evaluation === 'out_of_spec' ? range(field.limits?.spec, field.unit ?? undefined) : range(field.limits?.alert, field.unit ?? undefined);
          out.push({
            kind: 'value',
            severity: entry.evaluation === 'out_of_spec' ? 'bad' : 'warn',
            step: step.title,
            text: `${field.label}: ${storedValue(entry.value, field.unit ?? undefined)} is ${entry.evaluation === 'out_of_spec' ? 'out of specification' : 'outside the alert limits'}${limits ? ` (${limits})` : ''}${entry.round > 1 ? `, round ${entry.round}` : ''}.`,
            who: entry.name ?? entry.by,
            at: entry.at,
          });
        }
        for (const c of field.corrections) {
          out.push({ kind: 'correction', severity: 'warn', step: step.title, text: `${field.label} corrected from ${storedValue(c.previous)} to ${storedValue(c.value)}: ${c.reason}`, who: c.name ?? c.by, at: c.at });
        }
      }
      for (const s of step.signatures) {
        if (s.valid === false) out.push({ kind: 'signature', severity: 'bad', step: step.title, text: `The "${s.meaning}" signature of ${s.name} no longer covers the data it signed (changed by event ${s.changedBy.join(', ')}).`, who: s.name, at: s.at });
      }
    }
  }
  for (const d of record.deviations) {
    out.push({ kind: 'deviation', severity: d.severity === 'minor' || d.severity === 'info' ? 'warn' : 'bad', step: titleOf(d.stepId)!, text: `${d.severity} deviation ${d.deviationId} (${d.status}): ${d.message}`, who: d.raised.name ?? d.raised.id, at: d.raised.at });
  }
  for (const h of record.holds) {
    const released = h.released !== null ? ` Released by ${h.released.name ?? h.released.id}: ${h.released.reason}` : ' Still in place.';
    out.push({ kind: 'hold', severity: h.released === null ? 'bad' : 'warn', ...(h.stepId !== null ? { step: titleOf(h.stepId)! } : {}), text: `Hold ${h.holdId}: ${h.reason}.${released}`, who: h.placed.name ?? h.placed.id, at: h.placed.at });
  }
  for (const r of record.refusals) {
    out.push({ kind: 'refusal', severity: 'info', ...(r.stepId !== null ? { step: titleOf(r.stepId)! } : {}), text: `Refused ${r.command} (${r.code}): ${r.message}`, who: r.name ?? r.by, at: r.at });
  }
  for (const p of record.verification.problems) out.push({ kind: 'ledger', severity: 'bad', text: p });
  return out;
}
