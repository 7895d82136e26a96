/** `bes procedure check` as an engineer or a CI job runs it: real processes, real exit codes, file:line:column lines. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const BES = join(ROOT, 'bin/bes.js');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function bes(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BES, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const BROKEN = `procedure: PX10-COMPRESSION
title: Broken on purpose
steps:
  - id: charge
    role: operator
  - id: compress
    role: operater
    after: [charge]
    when: hardness.mean > 9
  - id: ipc
    role: operator
    record:
      - { id: hardness, type: number, unit: kP, samples: 10, limits: { spec: [12, 8] }, onOutOfSpec: { deviation: major } }
`;

describe('bes procedure check', () => {
  it('exits 0 on the example procedures', async () => {
    const result = await bes('procedure', 'check', 'examples/procedures/px10-compression.yaml', 'examples/procedures/dhr-infusion-pump-assembly.yaml', 'examples/procedures/cleaning-tablet-press.yaml');
    expect(result.stdout).toBe('OK: 3 files checked, 0 errors, 0 warnings\n');
    expect(result.code).toBe(0);
  });

  it('exits 1 on a broken file, one file:line:column line per problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bes-procedure-'));
    dirs.push(dir);
    const file = join(dir, 'broken.yaml');
    await writeFile(file, BROKEN);
    const result = await bes('procedure', 'check', file);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      `${file}:7:11: error [unknown_role] step 'compress' is performed by 'operater', which is not a role of OpenBES (operator, supervisor, qa, qa-lead, engineer, maintenance, leader) (did you mean 'operator'?) (compress)`,
      `${file}:9:11: error [field_not_before] step 'compress' reads 'hardness' in its condition, but 'hardness' is recorded in step 'ipc' which does not come before it (compress)`,
      `${file}:13:72: error [limits_inverted] the spec limits of field 'hardness' are upside down: low 12 is above high 8 (ipc)`,
      'FAILED: 1 file checked, 3 errors, 0 warnings',
    ]);
  });

  it('prints JSON for tools, exits 1 on an unreadable file and 2 without files', async () => {
    const json = await bes('procedure', 'check', '--json', 'examples/procedures/cleaning-tablet-press.yaml');
    expect(JSON.parse(json.stdout)).toEqual([]);
    const missing = await bes('procedure', 'check', 'no-such-file.yaml');
    expect(missing.stdout).toMatch(/^no-such-file\.yaml: error \[unreadable\]/);
    expect(missing.code).toBe(1);
    expect((await bes('procedure', 'check')).code).toBe(2);
  });
});
