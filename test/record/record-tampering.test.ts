/**
 * An exported record checked on "another machine": every kind of edit to the file is caught and named,
 * and a value altered in the database after signing shows in the record and in `verifyStoredSignatures`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatchRecord } from '../../src/record/build-record.ts';
import { deriveRecord } from '../../src/record/derive-record.ts';
import type { BatchRecord } from '../../src/record/record-schema.ts';
import { verifyBatchRecord, type RecordProblemKind } from '../../src/record/verify-record.ts';
import { verifyStoredSignatures } from '../../src/record/verify-stored-signatures.ts';
import { canonicalJson } from '../../src/store/ledger/event-hash.ts';
import { formatCheckpointBody, parseCheckpointBody, parseVerifierKey, signNote, verifierKeyText, type NoteVerifier } from '../../src/store/ledger/checkpoint-note.ts';
import { loadTrustedVerifiers } from '../../src/store/ledger/signing-key.ts';
import { sqliteFile } from '../../src/store/open-store.ts';
import { executeBatchCommand } from '../../src/engine/batch-commands.ts';
import { actorOf } from '../../src/demo/plant.ts';
import { SITE, openPlant, runPx10Batch, type Plant } from './px10-fixture.ts';

let plant: Plant;
let record: BatchRecord;
let key: NoteVerifier;
beforeAll(async () => {
  plant = await openPlant('sqlite');
  await runPx10Batch(plant, 'B-0001');
  record = (await buildBatchRecord(plant.store, 'B-0001', { verifiers: await loadTrustedVerifiers(plant.keysDir), seal: true }))!;
  key = parseVerifierKey((await readFile(join(plant.keysDir, 'ledger.vkey'), 'utf8')).trim());
}, 120_000);
afterAll(async () => plant?.cleanup());

/** A deep copy of the record as a parsed file, to edit. */
const copy = () => JSON.parse(JSON.stringify(record)) as BatchRecord;
const kinds = (r: ReturnType<typeof verifyBatchRecord>) => [...new Set(r.problems.map((p) => p.kind))];
const check = (file: unknown, verifiers = [key]) => verifyBatchRecord(file, { verifiers });
const positionOf = (file: BatchRecord, type: string, fieldId: string) =>
  file.auditTrail.findIndex((e) => e.type === type && (e.data as { fieldId?: string }).fieldId === fieldId);

describe('an exported record checked offline', () => {
  it('passes untouched', () => {
    expect(check(copy()).ok).toBe(true);
  });

  it('fails naming the place when a value in the human sections is edited', () => {
    const file = copy();
    const step = file.sections[0]!.steps[0]!;
    step.fields[1]!.corrections[0]!.value = 16;
    const report = check(file);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(['content_mismatch']);
    expect(report.problems[0]!.message).toBe('sections[0].steps[0].fields[1].corrections[0].value does not say what the record\'s events say: the file was edited');
  });

  it('fails when a recorded value is edited in the audit trail, even with the sections edited to match', () => {
    const file = copy();
    const at = positionOf(file, 'ValueRecorded', 'punch_set');
    (file.auditTrail[at]!.data as { value: string }).value = 'PX10-P009';
    Object.assign(file, deriveRecord('B-0001', file.auditTrail));
    const report = check(file);
    expect(report.ok).toBe(false);
    const position = file.auditTrail[at]!.globalPosition;
    expect(report.problems[0]).toMatchObject({ kind: 'event_altered', globalPosition: position });
    expect(report.problems[0]!.message).toBe(`event ${position} (ValueRecorded in batch-B-0001) was altered after it was recorded`);
    // Its inclusion proof fails too: the proof is checked against the hash of the content as it now is.
    expect(kinds(report)).toContain('proof_invalid');
    // The signature over the altered value no longer matches the data it was made over.
    expect(kinds(report)).toContain('signature_mismatch');
  });

  it('fails when events are reordered', () => {
    const file = copy();
    const i = positionOf(file, 'ValueRecorded', 'area_clear');
    [file.auditTrail[i], file.auditTrail[i + 1]] = [file.auditTrail[i + 1]!, file.auditTrail[i]!];
    const report = check(file);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toContain('event_order');
    expect(report.problems.find((p) => p.kind === 'event_order')!.message).toMatch(/is not in log order/);
  });

  it('fails when an event of the batch is left out', () => {
    const file = copy();
    file.auditTrail.splice(positionOf(file, 'ValueRecorded', 'area_clear'), 1);
    const report = check(file);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toContain('chain_broken');
  });

  it('fails when an inclusion proof is edited', () => {
    const file = copy();
    const proof = file.verification.proofs[10]!;
    proof.path[0] = `${proof.path[0]!.startsWith('0') ? '1' : '0'}${proof.path[0]!.slice(1)}`;
    const report = check(file);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'proof_invalid', globalPosition: proof.globalPosition })]);
    expect(report.problems[0]!.message).toMatch(new RegExp(`^event ${proof.globalPosition} .* is not proven to be in the signed log: root mismatch`));
  });

  it("fails when the checkpoint's signature is edited", () => {
    const file = copy();
    const note = file.verification.checkpoint!.note;
    const sig = note.lastIndexOf(' ') + 5;
    file.verification.checkpoint!.note = `${note.slice(0, sig)}${note[sig] === 'A' ? 'B' : 'A'}${note.slice(sig + 1)}`;
    const report = check(file);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(['checkpoint_invalid']);
    expect(report.problems[0]!.message).toMatch(/^the checkpoint's signature does not verify/);
  });

  it('fails when the checkpoint is re-signed with another key, against the published key', () => {
    const file = copy();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const body = formatCheckpointBody(parseCheckpointBody(file.verification.checkpoint!.note));
    file.verification.checkpoint!.note = signNote(body, { name: 'plant-a', privateKey, publicKey });
    file.verification.publicKey = { name: 'plant-a', keyId: 'x', vkey: verifierKeyText('plant-a', publicKey) };
    const report = check(file);
    expect(report.ok).toBe(false);
    expect(report.problems[0]!.message).toMatch(/no signature by a trusted key/);
    // Without the published key the file can only be checked against the key it names itself: it says so.
    const alone = verifyBatchRecord(file);
    expect(alone.keySource).toBe('record');
    expect(alone.warnings[0]).toMatch(/key the record itself names .*compare it with the installation's published ledger.vkey/);
  });

  it('fails when a signature is marked valid that no longer covers its data', () => {
    const file = copy();
    const compress = file.sections.flatMap((s) => s.steps).find((s) => s.id === 'compress')!;
    compress.signatures[0]!.valid = true;
    const report = check(file);
    expect(kinds(report)).toEqual(['content_mismatch']);
    expect(report.problems[0]!.message).toMatch(/^sections\[6\]\.steps\[0\]\.signatures\[0\]\.valid/);
  });

  it('fails when the evidence claims are edited', () => {
    const file = copy();
    file.verification.streams[0]!.chainVerified = false;
    file.verification.eventsVerified = false;
    const report = check(file);
    expect(kinds(report)).toEqual(['content_mismatch']);
    expect(report.problems.map((p) => p.message.split(' ')[0])).toEqual(['verification.streams[0].chainVerified', 'verification.eventsVerified']);
  });

  it('fails when something is added that the format does not have', () => {
    const file = copy() as unknown as { sections: { steps: Record<string, unknown>[] }[] };
    file.sections[0]!.steps[0]!.note = 'approved by the plant manager';
    const report = check(file);
    expect(kinds(report)).toEqual(['malformed']);
    expect(report.problems[0]!.message).toMatch(/^not an OpenBES batch record: sections\.0\.steps\.0: Unrecognized key/);
  });

  it('fails, without throwing, on what is not a record', () => {
    for (const junk of [null, 42, 'text', {}, { ...copy(), format: 'something-else' }, { ...copy(), auditTrail: 'no' }]) {
      const report = check(junk);
      expect(report.ok).toBe(false);
      expect(kinds(report)).toEqual(['malformed' satisfies RecordProblemKind]);
    }
  });

  it('fails on events the checkpoint does not cover', async () => {
    await runPx10Batch(plant, 'B-0002', { until: 6 });
    const unsealed = (await buildBatchRecord(plant.store, 'B-0002', { verifiers: [key], seal: false }))!;
    expect(unsealed.verification.unsealed.length).toBeGreaterThan(0);
    const report = check(JSON.parse(JSON.stringify(unsealed)));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'unsealed', globalPosition: unsealed.verification.unsealed[0] });
    expect(report.warnings.join('\n')).toMatch(/B-0002 was in progress when exported/);
  });
});

describe('a recorded value altered in the database after it was signed', () => {
  it('shows the signature invalid in the record, and fails the signature check', async () => {
    const events = await plant.store.readStream('batch-B-0001');
    const target = events.find((e) => e.type === 'ValueRecorded' && (e.data as { fieldId: string }).fieldId === 'punch_set')!;
    expect((await verifyStoredSignatures(plant.store.backend)).ok).toBe(true);

    const db = new Database(sqliteFile(plant.dir));
    db.exec('DROP TRIGGER events_no_update');
    db.prepare('UPDATE events SET data = ? WHERE global_position = ?').run(canonicalJson({ ...(target.data as object), value: 'PX10-P009' }), target.globalPosition);
    db.close();

    const altered = (await buildBatchRecord(plant.store, 'B-0001', { verifiers: [key] }))!;
    const setup = altered.sections.flatMap((s) => s.steps).find((s) => s.id === 'press-setup')!;
    const signature = setup.signatures[0]!;
    expect(signature).toMatchObject({ meaning: 'verified', name: 'Sam Supervisor', valid: false, validWhenSigned: false });
    expect(setup.fields.find((f) => f.id === 'punch_set')!.entries[0]!.value).toBe('PX10-P009');
    expect(altered.verification.eventsVerified).toBe(false);
    expect(altered.verification.problems[0]).toBe(`event ${target.globalPosition} (ValueRecorded in batch-B-0001) was altered after it was recorded`);

    const report = await verifyStoredSignatures(plant.store.backend);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ batchId: 'B-0001', stepId: 'press-setup', globalPosition: signature.position, message: expect.stringMatching(/"verified" signature of Sam Supervisor on step "press-setup".*the signed data was altered/) }),
    ]);
    // The later correction of the compression step is reported, not failed: the record shows it.
    expect(report.notes.join('\n')).toMatch(/step "compress" of batch B-0001 .* corrected after signing/);
  });
});

describe('a signature made over other content than recorded', () => {
  it('fails the signature check although every event is intact', async () => {
    await runPx10Batch(plant, 'B-0004', { until: 9 });
    const olivia = await actorOf(plant.engine, 'olivia', SITE);
    const forged = { meaning: 'performed' as const, recordHash: `sha256:${'0'.repeat(64)}` };
    const outcome = await executeBatchCommand(plant.engine, 'B-0004', { type: 'CompleteStep', data: { stepId: 'dispense-api', signature: forged } }, olivia);
    expect(outcome.ok).toBe(true);
    const report = await verifyStoredSignatures(plant.store.backend);
    expect(report.problems.find((p) => p.batchId === 'B-0004')).toMatchObject({ stepId: 'dispense-api', message: expect.stringMatching(/"performed" signature of Olivia Operator on step "dispense-api" of batch B-0004/) });
    const exported = (await buildBatchRecord(plant.store, 'B-0004', { verifiers: [key], seal: true }))!;
    const file = verifyBatchRecord(JSON.parse(JSON.stringify(exported)), { verifiers: [key] });
    expect(file.problems.map((p) => p.kind)).toEqual(['signature_mismatch']);
  });
});
