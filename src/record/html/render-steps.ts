/** One printed section per step: who did it and when, equipment, materials, fields, corrections, signatures. */
import type { FieldRecord, RecordSection, SignatureRecord, StepRecord } from '../record-schema.ts';
import { evaluation, limit, person, samples, time, value, who } from './format.ts';
import { html, type Html } from './html.ts';
import { describeRange } from '../../domain/execution/limits.ts';

function fieldRows(field: FieldRecord): Html[] {
  const unit = field.unit ?? '';
  if (field.entries.length === 0) {
    return [html`<tr><td>${field.label}</td><td class="none">not recorded${field.required ? ' (required)' : ''}</td><td>${unit}</td><td>${limit(field, 'spec')}</td><td>${limit(field, 'alert')}</td><td></td><td></td></tr>`];
  }
  return field.entries.map(
    (e) => html`<tr class="row-${e.evaluation}">
      <td>${field.label}${field.entries.length > 1 ? html` <span class="round">(check ${e.round})</span>` : ''}</td>
      <td class="value">${value(e.value)}${samples(e.value) ? html`<div class="samples">${samples(e.value)}</div>` : ''}${e.computed !== null ? html`<div class="samples">calculated: ${e.computed}</div>` : ''}</td>
      <td>${unit}</td><td>${limit(field, 'spec')}</td><td>${limit(field, 'alert')}</td>
      <td>${evaluation(e.evaluation)}</td>
      <td>${person(e.by, e.name)}<br>${time(e.at)} <span class="pos">#${e.position}</span></td>
    </tr>`,
  );
}

function corrections(fields: readonly FieldRecord[]): Html {
  const rows = fields.flatMap((f) =>
    f.corrections.map(
      (c) => html`<tr><td>${f.label}</td><td class="value">${value(c.previous)}</td><td class="value">${value(c.value)} ${evaluation(c.evaluation)}</td><td>${c.reason}</td><td>${person(c.by, c.name)}<br>${time(c.at)} <span class="pos">#${c.position}</span></td></tr>`,
    ),
  );
  if (rows.length === 0) return html``;
  return html`<h4>Corrections</h4>
    <table><thead><tr><th>Field</th><th>Old value</th><th>New value</th><th>Reason</th><th>Corrected by</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function signatureMark(s: SignatureRecord): Html {
  if (s.valid === true) return html`<span class="sig-ok">✔ signature valid</span>`;
  if (s.valid === null) return html`<span class="sig-bad">NOT BOUND — the signature carries no record hash</span>`;
  if (s.validWhenSigned === true) {
    return html`<span class="sig-bad">✘ INVALID — data changed after signing (event ${s.changedBy.join(', ')})</span>`;
  }
  return html`<span class="sig-bad">✘ INVALID — the data does not match what was signed</span>`;
}

function signatures(list: readonly SignatureRecord[]): Html {
  if (list.length === 0) return html``;
  return html`<h4>Electronic signatures</h4>
    <table class="signatures"><thead><tr><th>Meaning</th><th>Signed by (printed name)</th><th>Time</th><th>Binding</th></tr></thead><tbody>
    ${list.map(
      (s) => html`<tr><td class="meaning">${s.meaning}</td><td>${s.name} (${s.by})</td><td>${time(s.at)} <span class="pos">#${s.position}</span></td>
        <td>${signatureMark(s)}<div class="hash">${s.recordHash ?? 'no record hash'}</div></td></tr>`,
    )}</tbody></table>`;
}

function materials(step: StepRecord): Html {
  if (step.materials.length === 0) return html``;
  return html`<h4>Materials</h4>
    <table><thead><tr><th>Material</th><th>Lot</th><th>Quantity</th><th>Target</th><th>Balance</th><th>Dispensed by</th></tr></thead><tbody>
    ${step.materials.map(
      (m) => html`<tr><td>${m.materialCode} <span class="alias">(${m.alias})</span></td><td>${m.lotId}</td><td class="value">${m.quantity} ${m.unit}</td>
        <td>${m.target.quantity} ± ${m.target.tolerance} ${m.target.unit}</td><td>${m.balanceId ?? '—'}</td>
        <td>${person(m.by, m.name)}<br>${time(m.at)} <span class="pos">#${m.position}</span></td></tr>`,
    )}</tbody></table>`;
}

function excursions(step: StepRecord): Html {
  if (step.excursions.length === 0) return html``;
  return html`<h4>Process excursions</h4>
    <table><thead><tr><th>Process value</th><th>Specification</th><th>Left it</th><th>Back within</th></tr></thead><tbody>
    ${step.excursions.map(
      (x) => html`<tr class="row-out_of_spec"><td>${x.source} <span class="alias">(${x.tag})</span></td><td>${x.limits?.spec === undefined ? '—' : describeRange(x.limits.spec, x.unit)}</td>
        <td class="value">${x.started.value} ${x.unit} ${evaluation('out_of_spec')}<br>${time(x.started.at)} <span class="pos">#${x.started.position}</span></td>
        <td>${x.ended === null ? html`<span class="bad">not back within specification</span>` : html`${x.ended.value} ${x.unit}<br>${time(x.ended.at)} <span class="pos">#${x.ended.position}</span>`}</td></tr>`,
    )}</tbody></table>`;
}

function stepSection(step: StepRecord, n: number): Html {
  const facts = [
    html`<tr><th>Started</th><td>${who(step.started)}</td></tr>`,
    html`<tr><th>Completed</th><td>${who(step.completed)}</td></tr>`,
    step.verifyRole !== null ? html`<tr><th>Verified</th><td>${who(step.verified)} <span class="alias">(by ${step.verifyRole})</span></td></tr>` : '',
    step.performers.length > 0 ? html`<tr><th>Performed by</th><td>${step.performers.map((p) => person(p.id, p.name)).join('; ')}</td></tr>` : '',
    step.equipment.length > 0
      ? html`<tr><th>Equipment</th><td>${step.equipment.map((e) => `${e.equipmentId} (${e.alias}${e.class === null ? '' : `, ${e.class}`})`).join('; ')}</td></tr>`
      : '',
    step.condition !== null ? html`<tr><th>Condition</th><td><code>${step.condition}</code></td></tr>` : '',
    step.producedLot !== null ? html`<tr><th>Lot produced</th><td>${step.producedLot.lotId}: ${step.producedLot.quantity} ${step.producedLot.unit}</td></tr>` : '',
    step.deviations.length > 0 ? html`<tr><th>Deviations</th><td class="bad">${step.deviations.join(', ')}</td></tr>` : '',
  ];
  const skipped = step.skipped === null ? '' : html`<p class="skipped">Skipped: ${step.skipped.reason} (condition <code>${step.skipped.condition}</code>), ${time(step.skipped.at)} <span class="pos">#${step.skipped.position}</span></p>`;
  return html`<article class="step" id="step-${step.id}">
    <h3>${n}. ${step.title} <span class="status status-${step.status}">${step.status.replace(/_/g, ' ')}</span></h3>
    <p class="meta">Step <code>${step.id}</code> · role ${step.role}${step.signMeaning !== null ? ` · signature "${step.signMeaning}" required` : ''}</p>
    ${step.instructions !== null ? html`<p class="instructions">${step.instructions}</p>` : ''}
    ${skipped}
    <table class="facts">${facts}</table>
    ${materials(step)}
    ${step.fields.length > 0
      ? html`<h4>Recorded values</h4><table class="fields"><thead><tr><th>Field</th><th>Value</th><th>Unit</th><th>Specification</th><th>Alert limits</th><th>Evaluation</th><th>Recorded by</th></tr></thead>
        <tbody>${step.fields.flatMap(fieldRows)}</tbody></table>`
      : ''}
    ${corrections(step.fields)}
    ${excursions(step)}
    ${signatures(step.signatures)}
  </article>`;
}

/** The steps, grouped under unit procedure and operation headings. */
export function renderSections(sections: readonly RecordSection[]): Html {
  let n = 0;
  return html`${sections.map((section) => {
    const heading = [section.unitProcedure?.title, section.operation?.title].filter((t) => t !== undefined).join(' — ');
    return html`<section class="unit">${heading ? html`<h2>${heading}</h2>` : ''}${section.steps.map((step) => stepSection(step, ++n))}</section>`;
  })}`;
}
