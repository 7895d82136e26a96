/**
 * `bes export batch` and `bes verify --record` as an auditor runs them: real processes, exit codes, and
 * the record checked in another folder with only the file and the published key.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/store/ledger/event-hash.ts';
import { sqliteFile } from '../../src/store/open-store.ts';
import { openPlantInDataDir, runPx10Batch } from './px10-fixture.ts';

const run = promisify(execFile);
const BES = resolve(import.meta.dirname, '../../bin/bes.js');
const dirs: string[] = [];
let data: string;
let elsewhere: string;

async function bes(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BES, ...args], { env: { ...process.env, BES_DATA: '', BES_DATABASE_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'bes-export-'));
  elsewhere = await mkdtemp(join(tmpdir(), 'bes-auditor-'));
  dirs.push(data, elsewhere);
  const plant = await openPlantInDataDir(data);
  await runPx10Batch(plant, 'B-0001');
  await plant.cleanup();
}, 120_000);
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('bes export batch and bes verify --record', () => {
  it('exports the record and verifies it in another folder with the published key; an edited copy fails', { timeout: 60_000 }, async () => {
    const out = join(data, 'B-0001.json');
    const exported = await bes('export', 'batch', 'B-0001', '--data', data, '--out', out, '--html', join(data, 'B-0001.html'));
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^wrote .*B-0001\.json: batch B-0001 \(completed\), \d+ events, \d+ proven against checkpoint \S+ at size \d+; 6 of 7 signatures cover their data/);
    expect(await readFile(join(data, 'B-0001.html'), 'utf8')).toMatch(/^<!doctype html>/);

    const file = join(elsewhere, 'B-0001.json');
    const vkey = join(elsewhere, 'ledger.vkey');
    await copyFile(out, file);
    await copyFile(join(data, 'keys', 'ledger.vkey'), vkey);
    const ok = await bes('verify', '--record', file, '--key', vkey);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: batch record B-0001: \d+ events verified \(hashes and chains\), \d+ inclusion proofs against checkpoint .* \(the key given\); 6 of 7 signatures match their step content/);

    const record = JSON.parse(await readFile(file, 'utf8')) as { sections: { steps: { fields: { entries: { value: unknown }[] }[] }[] }[] };
    record.sections[3]!.steps[0]!.fields[0]!.entries[0]!.value = 3.5;
    await writeFile(file, JSON.stringify(record));
    const failed = await bes('verify', '--record', file, '--key', vkey);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^FAILED: sections\[3\]\.steps\[0\]\.fields\[0\]\.entries\[0\]\.value does not say what the record's events say/);
    const json = JSON.parse((await bes('verify', '--record', file, '--key', vkey, '--json')).stdout) as { ok: boolean; problems: { kind: string }[] };
    expect(json.ok).toBe(false);
    expect(json.problems[0]!.kind).toBe('content_mismatch');
  });

  it('exits 1 for an unknown batch and 2 for a wrong command line', { timeout: 60_000 }, async () => {
    const missing = await bes('export', 'batch', 'NOPE', '--data', data, '--out', join(elsewhere, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/there is no batch NOPE/);
    expect((await bes('export', 'batch', 'B-0001', '--data', data)).code).toBe(2);
    const noFile = await bes('verify', '--record', join(elsewhere, 'absent.json'));
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/cannot read .*absent\.json/);
    expect((await bes('verify', '--key', join(elsewhere, 'ledger.vkey'), '--data', data)).code).toBe(2);
    await writeFile(join(elsewhere, 'junk.json'), 'not json');
    const junk = await bes('verify', '--record', join(elsewhere, 'junk.json'));
    expect(junk.code).toBe(1);
    expect(junk.stdout).toMatch(/^FAILED: .*junk\.json is not JSON/);
  });

  it('bes verify checks every signature: a signed value altered in the database fails it', { timeout: 60_000 }, async () => {
    const intact = await bes('verify', '--data', data);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^OK: .*\n {2}6 of 7 electronic signatures on 1 batches match the step content they signed/);
    expect(intact.stdout).toMatch(/note: the "performed" signature of Olivia Operator on step "compress" of batch B-0001 .* corrected after signing/);

    const db = new Database(sqliteFile(data));
    const row = db.prepare("SELECT global_position AS at, data FROM events WHERE stream_id = 'batch-B-0001' AND type = 'ValueRecorded' AND data LIKE '%\"punch_set\"%'").get() as { at: number; data: string };
    db.exec('DROP TRIGGER events_no_update');
    db.prepare('UPDATE events SET data = ? WHERE global_position = ?').run(canonicalJson({ ...(JSON.parse(row.data) as object), value: 'PX10-P009' }), row.at);
    db.close();
    const broken = await bes('verify', '--data', data);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(new RegExp(`^FAILED: first broken event is ${row.at}: event ${row.at} \\(ValueRecorded in batch-B-0001\\) was altered`));
    expect(broken.stdout).toMatch(/also: the "verified" signature of Sam Supervisor on step "press-setup" of batch B-0001 \(event \d+\) does not match the step content recorded before it: the signed data was altered/);
    const json = JSON.parse((await bes('verify', '--data', data, '--json')).stdout) as { ok: boolean; signatures: { ok: boolean; problems: { stepId: string }[] } };
    expect(json.ok).toBe(false);
    expect(json.signatures.problems.map((p) => p.stepId)).toEqual(['press-setup']);
  });
});
