/**
 * The printable record: what a reviewer sees (values against limits, corrections, signatures marked
 * valid or invalid, exceptions, refusals, the audit trail and the verification), and that no text from the
 * record can become markup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatchRecord } from '../../src/record/build-record.ts';
import { renderBatchRecordHtml } from '../../src/record/html/render-record.ts';
import type { BatchRecord } from '../../src/record/record-schema.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import { actorOf } from '../../src/demo/plant.ts';
import { loadTrustedVerifiers } from '../../src/store/ledger/signing-key.ts';
import { SITE, openPlant, runPx10Batch, type Plant } from './px10-fixture.ts';

const HOSTILE = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`;

let plant: Plant;
let record: BatchRecord;
let html: string;
beforeAll(async () => {
  plant = await openPlant('sqlite');
  await runPx10Batch(plant, 'B-0001');
  const verifiers = await loadTrustedVerifiers(plant.keysDir);
  record = (await buildBatchRecord(plant.store, 'B-0001', { verifiers, seal: true }))!;
  html = renderBatchRecordHtml(record);
}, 120_000);
afterAll(async () => plant?.cleanup());

/** Every string of a JSON value with `suffix` appended. */
function poison(value: unknown, suffix: string): unknown {
  if (typeof value === 'string') return value + suffix;
  if (Array.isArray(value)) return value.map((v) => poison(v, suffix));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, suffix)]));
  return value;
}

describe('the printable batch record', () => {
  it('is one self-contained page with print styles and no scripts or external assets', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
  });

  it('shows the header, values against their limits, and the out-of-spec value highlighted', () => {
    expect(html).toContain('<h1>Batch record B-0001</h1>');
    expect(html).toContain('PX10-COMPRESSION version 1');
    expect(html).toMatch(/<tr class="row-out_of_spec">\s*<td>Tablet hardness \(10 tablets\) <span class="round">\(check 2\)<\/span><\/td>\s*<td class="value">mean 7.21 · min 7 · max 7.5<div class="samples">10 samples: 7.1, 7.3, 7, 7.4/);
    expect(html).toContain('<span class="ev ev-out_of_spec">OUT OF SPEC</span>');
    expect(html).toContain('<td>8–12 kP</td><td>9–11 kP</td>');
  });

  it('shows corrections with old and new value and the reason', () => {
    expect(html).toMatch(/<td>Booth differential pressure<\/td><td class="value">11<\/td><td class="value">15 <span class="ev ev-in_spec">in spec<\/span><\/td><td>read the wrong gauge; booth gauge shows 15 Pa<\/td>/);
  });

  it('marks each signature valid, or INVALID when the data changed after signing', () => {
    const compress = record.sections.flatMap((s) => s.steps).find((s) => s.id === 'compress')!;
    expect(html.match(/✔ signature valid/g)).toHaveLength(6);
    expect(html).toContain(`✘ INVALID — data changed after signing (event ${compress.signatures[0]!.changedBy[0]})`);
  });

  it('shows a process excursion with where it came from and when it ended', () => {
    expect(html).toContain('<h4>Process excursions</h4>');
    expect(html).toMatch(/<td>P-01\/compression-force <span class="alias">\(press\/compression-force\)<\/span><\/td><td>10–20 kN<\/td>\s*<td class="value">21.4 kN <span class="ev ev-out_of_spec">OUT OF SPEC<\/span>/);
    expect(html).toMatch(/<td>17.9 kN<br>/);
  });

  it('has the holds, deviations, refused attempts, audit trail and verification', () => {
    expect(html).toContain('<h2>Holds and releases</h2>');
    expect(html).toMatch(/<td>B-0001-D1<\/td><td class="sev sev-major">major<\/td>/);
    expect(html).toContain('<h2>Refused attempts (errors prevented)</h2>');
    expect(html).toContain('<code>sequence_violation</code>');
    expect(html).toContain('<h2>Audit trail</h2>');
    for (const e of record.auditTrail) expect(html).toContain(`<td class="pos">${e.globalPosition}</td>`);
    expect(html).toContain(record.verification.publicKey!.vkey);
    expect(html).toContain(`size ${record.verification.checkpoint!.size}, root <span class="hash">${record.verification.checkpoint!.rootHash}</span>`);
  });

  it('escapes every text of the record: no value, name or reason can become markup', () => {
    const page = renderBatchRecordHtml(poison(record, HOSTILE) as BatchRecord);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/"'>/);
    expect(page).toContain('&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('escapes a hostile correction reason recorded through the engine', async () => {
    await runPx10Batch(plant, 'B-0009', { until: 5 });
    const olivia = await actorOf(plant.engine, 'olivia', SITE);
    const outcome = await executeBatchCommand(plant.engine, 'B-0009', { type: 'CorrectValue', data: { stepId: 'line-clearance', fieldId: 'booth_pressure', value: 14, reason: `gauge <script>alert("x")</script>` } }, olivia);
    expect(outcome.ok).toBe(true);
    const page = renderBatchRecordHtml((await buildBatchRecord(plant.store, 'B-0009', { verifiers: await loadTrustedVerifiers(plant.keysDir) }))!);
    expect(page).not.toContain('<script>');
    expect(page).toContain('<td>gauge &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>');
  });
});
