/**
 * The `bes` command as a user or a script runs it: real processes, real exit codes.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openStore, sqliteFile } from '../../src/store/open-store.ts';

const run = promisify(execFile);
const BES = resolve(import.meta.dirname, '../../bin/bes.js');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function bes(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BES, ...args], { env: { ...process.env, BES_DATA: '', BES_DATABASE_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function dataWithEvents(count: number): Promise<string> {
  const data = await mkdtemp(join(tmpdir(), 'bes-cli-'));
  dirs.push(data);
  const store = await openStore(loadConfig({ data }, {}));
  for (let i = 0; i < count; i++) {
    await store.append({ streamId: `batch-${i % 3}`, events: [{ type: 'StepCompleted', data: { i } }], expectedVersion: 'any', actor: 'op' });
  }
  await store.checkpoint();
  await store.close();
  return data;
}

describe('bes', () => {
  it('prints help and exits 0; a wrong command line exits 2', async () => {
    const help = await bes('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/verify/);
    expect((await bes('verify', '--help')).stdout).toMatch(/--data <dir>/);
    expect((await bes('no-such-command')).code).toBe(2);
    expect((await bes('backup')).code).toBe(2); // --out is required
  });

  it('verify exits 0 on an intact ledger and 1 naming the first broken event after tampering', async () => {
    const data = await dataWithEvents(20);
    const ok = await bes('verify', '--data', data);
    expect(ok.stdout).toMatch(/^OK: 20 events in 3 streams verified; 1 signed checkpoints consistent/);
    expect(ok.code).toBe(0);

    const db = new Database(sqliteFile(data));
    db.exec('DROP TRIGGER events_no_update');
    db.prepare("UPDATE events SET data = '{\"i\":99}' WHERE global_position = 7").run();
    db.close();
    const broken = await bes('verify', '--data', data);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^FAILED: first broken event is 7: event 7 \(StepCompleted in batch-0\) was altered/);
    const json = JSON.parse((await bes('verify', '--data', data, '--json')).stdout) as { ok: boolean; problems: { globalPosition: number }[] };
    expect(json.ok).toBe(false);
    expect(json.problems[0]!.globalPosition).toBe(7);
  });

  it('verify refuses a folder without a database instead of creating one', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'bes-cli-empty-'));
    dirs.push(empty);
    const r = await bes('verify', '--data', join(empty, 'nothing-here'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no OpenBES database/);
  });

  it('backup, restore into a new folder, and verify the copy', async () => {
    const data = await dataWithEvents(15);
    const out = join(data, '..', `${data.split('/').pop()}.backup.gz`);
    dirs.push(out);
    const b = await bes('backup', '--data', data, '--out', out);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/15 events/);
    const target = join(data, 'restored');
    const r = await bes('restore', '--data', target, '--from', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restored 15 events and 1 checkpoints/);
    const v = await bes('verify', '--data', target);
    expect(v.stdout).toMatch(/^OK: 15 events/);
    expect(v.code).toBe(0);
    const again = await bes('restore', '--data', target, '--from', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
  });

  it('checkpoint signs on demand and says so when nothing is new', async () => {
    const data = await dataWithEvents(3);
    const first = await bes('checkpoint', '--data', data);
    expect(first.stdout).toMatch(/already covers all 3 events/);
  });
});
