import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signCheckpoint, verifierKeyText, verifyCheckpoint } from './checkpoint-note.ts';
import { addTrustedVerifier, loadOrCreateLedgerKey, loadTrustedVerifiers } from './signing-key.ts';

const NAME = 'openbes.example/ledger';
let dir: string;

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'openbes-key-')), 'keys');
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

const otherVkey = (name: string): string => verifierKeyText(name, generateKeyPairSync('ed25519').publicKey);

describe('ledger signing key', () => {
  it('creates the key once and loads the same key afterwards', async () => {
    const created = await loadOrCreateLedgerKey(dir, NAME);
    const loaded = await loadOrCreateLedgerKey(dir, NAME);
    expect(loaded.vkey).toBe(created.vkey);
    expect(loaded.publicKey.equals(created.publicKey)).toBe(true);
    expect(loaded.privateKey.equals(created.privateKey)).toBe(true);
    expect(await readFile(join(dir, 'ledger.vkey'), 'utf8')).toBe(`${created.vkey}\n`);
    expect(await readFile(join(dir, 'ledger.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const note = signCheckpoint({ origin: NAME, size: 1, rootHash: '00'.repeat(32) }, loaded);
    expect(verifyCheckpoint(note, await loadTrustedVerifiers(dir)).size).toBe(1);
  });

  it.skipIf(process.platform === 'win32')('keeps the private key at mode 0600 in a 0700 directory', async () => {
    await loadOrCreateLedgerKey(dir, NAME);
    expect((await stat(join(dir, 'ledger.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o077).toBe(0);
  });

  it('refuses a key whose ledger.vkey does not match', async () => {
    await loadOrCreateLedgerKey(dir, NAME);
    await writeFile(join(dir, 'ledger.vkey'), `${otherVkey(NAME)}\n`);
    await expect(loadOrCreateLedgerKey(dir, NAME)).rejects.toThrow(/does not match/);
  });

  it('refuses a key loaded under another name, or without its ledger.vkey', async () => {
    await loadOrCreateLedgerKey(dir, NAME);
    await expect(loadOrCreateLedgerKey(dir, 'other.example')).rejects.toThrow(/does not match/);
    await rm(join(dir, 'ledger.vkey'));
    await expect(loadOrCreateLedgerKey(dir, NAME)).rejects.toThrow(/missing/);
  });

  it('refuses a corrupt key file', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'ledger.key'), 'not a key');
    await expect(loadOrCreateLedgerKey(dir, NAME)).rejects.toThrow(/ledger\.key/);
  });
});

describe('trusted verifiers', () => {
  it('are empty when nothing exists yet', async () => {
    expect(await loadTrustedVerifiers(dir)).toEqual([]);
  });

  it('include ledger.vkey and every trusted/*.vkey, once each', async () => {
    const own = await loadOrCreateLedgerKey(dir, NAME);
    const earlier = otherVkey(NAME);
    const witness = otherVkey('witness.example/w1');
    await addTrustedVerifier(dir, earlier);
    await addTrustedVerifier(dir, `${witness}\n`);
    await addTrustedVerifier(dir, earlier); // already there
    await addTrustedVerifier(dir, own.vkey); // the installation's own key is not copied
    const verifiers = await loadTrustedVerifiers(dir);
    const texts = verifiers.map((v) => verifierKeyText(v.name, v.publicKey));
    expect(texts).toHaveLength(3);
    expect(texts[0]).toBe(own.vkey);
    expect(new Set(texts)).toEqual(new Set([own.vkey, earlier, witness]));
    const id = earlier.split('+')[1] as string;
    expect(await readFile(join(dir, 'trusted', `openbes.example_ledger-${id}.vkey`), 'utf8')).toBe(`${earlier}\n`);
  });

  it('refuse a malformed vkey, naming the file', async () => {
    await expect(addTrustedVerifier(dir, 'not a vkey')).rejects.toThrow();
    await mkdir(join(dir, 'trusted'), { recursive: true });
    const bad = join(dir, 'trusted', 'broken.vkey');
    await writeFile(bad, 'broken+00000000+AAAA\n');
    await expect(loadTrustedVerifiers(dir)).rejects.toThrow(bad);
  });
});
