/**
 * The batch record as a printable page (print to PDF from the browser): everything in the JSON record,
 * for people. No scripts, no external assets; every piece of data is escaped (html.ts).
 */
import type { BatchRecord, RecordEvent } from '../record-schema.ts';
import { evaluation, person, time, value, who } from './format.ts';
import { html, raw, type Html } from './html.ts';
import { RECORD_CSS } from './record-css.ts';
import { renderSections } from './render-steps.ts';

function nameOf(record: BatchRecord, id: string): string | null {
  return record.people.find((p) => p.id === id)?.name ?? null;
}

function headerBlock(record: BatchRecord): Html {
  const h = record.header;
  const p = h.procedure;
  const signatures = record.sections.flatMap((s) => s.steps.flatMap((step) => step.signatures));
  const invalid = signatures.filter((s) => s.valid !== true).length;
  const recorded = record.sections.flatMap((s) => s.steps.flatMap((step) => step.fields.flatMap((f) => [...f.entries, ...f.corrections])));
  const outOfSpec = recorded.filter((e) => e.evaluation === 'out_of_spec').length;
  const verified = record.verification.eventsVerified && record.verification.streams.every((s) => s.chainVerified) && record.verification.problems.length === 0;
  return html`<header class="record-header">
    <h1>${h.kind === 'device' ? 'Device history record' : 'Batch record'} ${h.batchId}</h1>
    <p class="subtitle">${p.title}</p>
    <table class="facts">
      <tr><th>Batch</th><td>${h.batchId}</td><th>Lot</th><td>${h.lot ?? '—'}</td></tr>
      <tr><th>Product</th><td>${h.product ?? '—'}</td><th>Site</th><td>${h.site}</td></tr>
      <tr><th>Procedure</th><td>${p.code} version ${p.version}</td><th>SOP</th><td>${p.sop ?? '—'}</td></tr>
      <tr><th>Batch size</th><td>${h.batchSize.value ?? '—'} ${h.batchSize.unit ?? ''}</td><th>Status</th><td><span class="status status-${h.status}">${h.status.replace(/_/g, ' ')}</span></td></tr>
      <tr><th>Created</th><td>${who(h.created)}</td><th>Completed</th><td>${who(h.completed)}</td></tr>
      <tr><th>Procedure approved</th><td>${who(p.approved)}</td><th>Effective</th><td>${who(p.effective)}</td></tr>
      ${h.producedLots.length > 0 ? html`<tr><th>Lots produced</th><td colspan="3">${h.producedLots.map((l) => `${l.lotId} (${l.quantity} ${l.unit}, step ${l.stepId})`).join('; ')}</td></tr>` : ''}
    </table>
    <ul class="summary">
      <li class="${outOfSpec > 0 ? 'bad' : ''}">${outOfSpec} out-of-spec value${outOfSpec === 1 ? '' : 's'}</li>
      <li class="${record.deviations.length > 0 ? 'bad' : ''}">${record.deviations.length} deviation${record.deviations.length === 1 ? '' : 's'}</li>
      <li>${record.refusals.length} refused attempt${record.refusals.length === 1 ? '' : 's'}</li>
      <li class="${invalid > 0 ? 'bad' : ''}">${signatures.length - invalid} of ${signatures.length} signatures valid</li>
      <li class="${verified ? 'good' : 'bad'}">${verified ? 'ledger evidence verified at export' : 'LEDGER EVIDENCE HAS PROBLEMS'}</li>
    </ul>
  </header>`;
}

function holdsBlock(record: BatchRecord): Html {
  if (record.holds.length === 0) return html``;
  return html`<section><h2>Holds and releases</h2>
    <table><thead><tr><th>Hold</th><th>Scope</th><th>Reason</th><th>Placed</th><th>Released</th><th>Release reason</th></tr></thead><tbody>
    ${record.holds.map(
      (h) => html`<tr><td>${h.holdId}</td><td>${h.stepId === null ? 'whole batch' : `step ${h.stepId}`}</td><td>${h.reason}</td><td>${who(h.placed)}</td>
        <td>${h.released === null ? html`<span class="bad">not released</span>` : who(h.released)}</td><td>${h.released?.reason ?? ''}</td></tr>`,
    )}</tbody></table></section>`;
}

function deviationsBlock(record: BatchRecord): Html {
  if (record.deviations.length === 0) return html`<section><h2>Exceptions and deviations</h2><p>None.</p></section>`;
  return html`<section><h2>Exceptions and deviations</h2>
    <table><thead><tr><th>Deviation</th><th>Severity</th><th>Group</th><th>Step / field</th><th>What happened</th><th>Value</th><th>Raised</th><th>Status</th></tr></thead><tbody>
    ${record.deviations.map(
      (d) => html`<tr><td>${d.deviationId}</td><td class="sev sev-${d.severity}">${d.severity}</td><td>${d.group}</td><td>${d.stepId}${d.fieldId === null ? '' : ` / ${d.fieldId}`}</td>
        <td>${d.message}</td><td class="value">${value(d.value)}</td><td>${who(d.raised)}</td><td>${d.status}</td></tr>`,
    )}</tbody></table></section>`;
}

function refusalsBlock(record: BatchRecord): Html {
  return html`<section><h2>Refused attempts (errors prevented)</h2>
    ${record.refusals.length === 0
      ? html`<p>None.</p>`
      : html`<table><thead><tr><th>#</th><th>Time</th><th>Who</th><th>Tried to</th><th>Refused because</th><th>Code</th></tr></thead><tbody>
        ${record.refusals.map(
          (r) => html`<tr><td class="pos">${r.position}</td><td>${time(r.at)}</td><td>${person(r.by, r.name)}</td><td>${r.command}${r.stepId === null ? '' : ` (${r.stepId})`}</td><td>${r.message}</td><td><code>${r.code}</code></td></tr>`,
        )}</tbody></table>`}
  </section>`;
}

/** An event's data as printed; a procedure version's definition and YAML source stay in the JSON record (pages long). */
function printedData(e: RecordEvent): string {
  if (e.type === 'ProcedureVersionDrafted' && typeof e.data === 'object' && e.data !== null) {
    const { definition: _definition, source: _source, ...rest } = e.data as Record<string, unknown>;
    return `${JSON.stringify(rest)} (definition and YAML source: in the JSON record)`;
  }
  return JSON.stringify(e.data);
}

function auditRows(record: BatchRecord, events: readonly RecordEvent[]): Html[] {
  return events.map(
    (e) => html`<tr><td class="pos">${e.globalPosition}</td><td>${time(e.recordedAt)}</td><td>${e.streamId} <span class="pos">@${e.streamPosition}</span></td><td>${e.type}</td>
      <td>${person(e.actor, nameOf(record, e.actor))}</td><td class="data">${printedData(e)}</td></tr>`,
  );
}

function auditBlock(record: BatchRecord): Html {
  const own = (e: RecordEvent) => e.streamId.startsWith('batch-') || e.streamId.startsWith('deviation-') || e.streamId.startsWith('refusals-');
  const head = html`<thead><tr><th>#</th><th>Recorded</th><th>Stream</th><th>Event</th><th>By</th><th>Data</th></tr></thead>`;
  return html`<section class="audit"><h2>Audit trail</h2>
    <p>Every event of the batch, its deviations and the refused attempts, in the order the ledger recorded them (server time).</p>
    <table>${head}<tbody>${auditRows(record, record.auditTrail.filter(own))}</tbody></table>
    <h3>Supporting records</h3>
    <p>The procedure version's approval and the registration of each person named (printed names).</p>
    <table>${head}<tbody>${auditRows(record, record.auditTrail.filter((e) => !own(e)))}</tbody></table>
  </section>`;
}

function verificationBlock(record: BatchRecord): Html {
  const v = record.verification;
  const cp = v.checkpoint;
  return html`<section class="verification"><h2>Verification</h2>
    <p>${v.method}.</p>
    <table class="facts">
      <tr><th>Event hashes</th><td>${v.eventsVerified ? html`<span class="good">all ${record.auditTrail.length} recompute</span>` : html`<span class="bad">SOME DO NOT RECOMPUTE</span>`}</td></tr>
      ${v.streams.map(
        (s) => html`<tr><th>${s.streamId}</th><td>${s.events} event${s.events === 1 ? '' : 's'}${s.complete ? ' (whole stream)' : ''}, chain ${s.chainVerified ? html`<span class="good">verified</span>` : html`<span class="bad">BROKEN</span>`}; head <span class="hash">${s.head}</span></td></tr>`,
      )}
      <tr><th>Checkpoint</th><td>${cp === null ? html`<span class="bad">none signed yet</span>` : html`${cp.origin}, size ${cp.size}, root <span class="hash">${cp.rootHash}</span>`}</td></tr>
      <tr><th>Signed by key</th><td>${v.publicKey === null ? html`<span class="bad">no trusted key</span>` : html`<span class="hash">${v.publicKey.vkey}</span>`}</td></tr>
      <tr><th>Inclusion proofs</th><td>${v.proofs.length} of ${record.auditTrail.length} events${v.unsealed.length > 0 ? html` — <span class="bad">${v.unsealed.length} not yet sealed (${v.unsealed.join(', ')})</span>` : ''}</td></tr>
      <tr><th>Log at export</th><td>size ${v.log.size}, root <span class="hash">${v.log.rootHash}</span></td></tr>
    </table>
    ${v.problems.length > 0 ? html`<ul class="bad">${v.problems.map((p) => html`<li>${p}</li>`)}</ul>` : ''}
    <p>To check the machine-readable record offline: <code>npx bes verify --record ${record.header.batchId}.json --key ledger.vkey</code> (docs/record.md).</p>
  </section>`;
}

/** The whole record as one HTML page. */
export function renderBatchRecordHtml(record: BatchRecord): string {
  const h = record.header;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h.kind === 'device' ? 'Device history record' : 'Batch record'} ${h.batchId} — ${h.procedure.code} v${h.procedure.version}</title>
<style>${raw(RECORD_CSS)}</style></head>
<body>
${headerBlock(record)}
<main>
${renderSections(record.sections)}
${holdsBlock(record)}
${deviationsBlock(record)}
${refusalsBlock(record)}
${auditBlock(record)}
${verificationBlock(record)}
</main>
<footer>Exported by OpenBES at ${time(record.exportedAt)} · format ${record.format} · batch ${h.batchId} · legend: ${evaluation('in_spec')} ${evaluation('alert')} ${evaluation('out_of_spec')}</footer>
</body></html>
`.text;
}
