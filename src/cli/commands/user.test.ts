/** `bes user add` as an operator runs it: a real process, the password on stdin, real exit codes. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import type { PersonState } from '../../domain/resources/person-state.ts';
import { createEngine } from '../../engine/engine.ts';
import { verifyPassword } from '../../identity/password-hash.ts';
import { openIdentityStore } from '../../identity/store/open-identity-store.ts';
import { openStore } from '../../store/open-store.ts';

const BES = resolve(import.meta.dirname, '../../../bin/bes.js');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function bes(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BES, ...args], { env: { ...process.env, BES_DATA: '', BES_DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bes-user-'));
  dirs.push(dir);
  return dir;
}

describe('bes user', () => {
  it('prints its help', async () => {
    const help = await bes(['user', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/add/);
    const addHelp = await bes(['user', 'add', '--help']);
    expect(addHelp.stdout).toMatch(/--password-stdin/);
  });

  it('adds a person with a role and a password through the engine; the password works, the event is audited', { timeout: 60_000 }, async () => {
    const data = await dataDir();
    const added = await bes(['user', 'add', '--data', data, '--username', 'ada', '--name', 'Ada Admin', '--site', 'PLANT-A', '--role', 'admin', '--password-stdin'], 'quiet lantern by the mill\n');
    expect(added.stderr).toBe('');
    expect(added).toMatchObject({ code: 0, stdout: 'added ada (ada) with admin at site PLANT-A\n' });
    const config = loadConfig({ data }, {});
    const store = await openStore(config);
    const identity = await openIdentityStore(config);
    try {
      const person = await createEngine({ store }).load<PersonState>('person', 'ada');
      expect(person.state).toMatchObject({ username: 'ada', name: 'Ada Admin', active: true, roles: { 'PLANT-A': ['admin'] } });
      const credential = await identity.credentialOf('ada');
      expect(credential).toMatchObject({ accountKind: 'personal', mustChangePassword: false });
      expect(await verifyPassword(credential!.passwordHash!, 'quiet lantern by the mill')).toBe(true);
      const security = await store.readStream('security');
      expect(security.map((e) => e.type)).toEqual(['PasswordSet']);
      expect(JSON.stringify(security)).not.toContain('lantern');
    } finally {
      await identity.close();
      await store.close();
    }
    const again = await bes(['user', 'add', '--data', data, '--username', 'ADA', '--name', 'Ada Again', '--site', 'PLANT-A', '--role', 'engineer', '--id', 'ada2', '--password-stdin'], 'another quiet lantern');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/\[username_taken\]/);

    const reset = await bes(['user', 'password', '--data', data, '--username', 'Ada', '--temporary', '--password-stdin'], 'fresh lantern by the weir\n');
    expect(reset).toMatchObject({ code: 0, stdout: 'password of ada (ada) set; to be changed at the next sign-in\n' });
    const check = await openIdentityStore(config);
    try {
      const credential = await check.credentialOf('ada');
      expect(credential?.mustChangePassword).toBe(true);
      expect(await verifyPassword(credential!.passwordHash!, 'fresh lantern by the weir')).toBe(true);
    } finally {
      await check.close();
    }
    expect((await bes(['user', 'password', '--data', data, '--username', 'nobody', '--password-stdin'], 'fresh lantern by the weir')).code).toBe(1);
  });

  it('refuses a password against the policy (exit 1) and a wrong command line (exit 2), creating nobody', { timeout: 60_000 }, async () => {
    const data = await dataDir();
    const weak = await bes(['user', 'add', '--data', data, '--username', 'bob', '--name', 'Bob', '--site', 'S1', '--role', 'admin', '--password-stdin'], 'password123');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/\[password_common\]/);
    expect((await bes(['user', 'add', '--data', data, '--username', 'bob', '--name', 'Bob', '--role', 'admin', '--password-stdin'], 'x')).code).toBe(2);
    expect((await bes(['user', 'add', '--data', data, '--username', 'bob', '--name', 'Bob', '--site', 'S1', '--role', 'wizard', '--password-stdin'], 'x')).code).toBe(2);
    const both = await bes(['user', 'add', '--data', data, '--username', 'bob', '--name', 'Bob', '--site', 'S1', '--role', 'admin', '--role', 'qa', '--password-stdin'], 'quiet lantern by the mill');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/never held together/);
    const noTerminal = await bes(['user', 'add', '--data', data, '--username', 'bob', '--name', 'Bob', '--site', 'S1', '--role', 'admin']);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toMatch(/--password-stdin/);
    const config = loadConfig({ data }, {});
    const identity = await openIdentityStore(config);
    try {
      expect(await identity.credentialByUsername('bob')).toBeUndefined();
    } finally {
      await identity.close();
    }
  });
});
