/**
 * A production install from the command line: `bes init`, the first people with `bes user add`, and an
 * engineer publishing a procedure for review with `bes procedure publish` — signed in with their own password,
 * refused with a wrong one or a broken file, the draft theirs in the ledger.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { ProcedureState } from '../../src/domain/procedure/lifecycle.ts';

const BES = resolve(import.meta.dirname, '../../bin/bes.js');
const EXAMPLES = resolve(import.meta.dirname, '../../examples/procedures');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function bes(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BES, ...args], { env: { ...process.env, BES_DATA: '', BES_DATABASE_URL: '', BES_PASSWORD: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('bes init, user add and procedure publish', () => {
  it('sets up an installation and lets an engineer submit a procedure for review', { timeout: 120_000 }, async () => {
    const data = await mkdtemp(join(tmpdir(), 'bes-init-'));
    dirs.push(data);
    const init = await bes(['init', '--data', data]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/initialised/);
    expect((await bes(['user', 'add', '--username', 'eve', '--name', 'Eve Engineer', '--site', 'S1', '--role', 'engineer', '--data', data, '--password-stdin'], 'engineer-draft-pass-7')).code).toBe(0);

    const wrong = await bes(['procedure', 'publish', join(EXAMPLES, 'px10-compression.yaml'), '--as', 'eve', '--data', data, '--password-stdin'], 'not-her-password-1');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/invalid_credentials/);
    const noPassword = await bes(['procedure', 'publish', join(EXAMPLES, 'px10-compression.yaml'), '--as', 'eve', '--data', data]);
    expect(noPassword.code).toBe(2);

    const published = await bes(['procedure', 'publish', join(EXAMPLES, 'px10-compression.yaml'), '--as', 'eve', '--data', data, '--password-stdin'], 'engineer-draft-pass-7');
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/PX10-COMPRESSION version 1 drafted and submitted for review by Eve Engineer/);

    const store = await openStore(loadConfig({ data }, {}));
    try {
      const procedure = await store.getDocument<{ state: ProcedureState }>('procedure', 'PX10-COMPRESSION');
      expect(procedure?.state.versions.map((v) => v.status)).toEqual(['in_review']);
      const events = await store.readStream('procedure-PX10-COMPRESSION');
      expect(events.map((e) => [e.type, e.actor])).toEqual([
        ['ProcedureVersionDrafted', 'eve'],
        ['ProcedureVersionSubmitted', 'eve'],
      ]);
    } finally {
      await store.close();
    }
    expect((await bes(['init', '--data', data])).code).toBe(0);
  });
});
