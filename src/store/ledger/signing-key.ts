/**
 * The installation's ledger signing key and the verifier keys an auditor trusts. They live in files outside
 * the database on purpose: whoever can rewrite the database must not also be able to re-sign its history.
 *
 *   <dir>/ledger.key            PKCS#8 PEM Ed25519 private key, mode 0600
 *   <dir>/ledger.vkey           its verifier key text (the thing to hand to auditors)
 *   <dir>/trusted/*.vkey        verifier keys of earlier installations (e.g. before a restore)
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, parseVerifierKey, verifierKeyText } from './checkpoint-note.ts';
import type { NoteSigner, NoteVerifier } from './checkpoint-note.ts';

/** The ledger's signing key with its verifier key text. */
export interface LedgerKey extends NoteSigner {
  vkey: string;
}

const KEY_FILE = 'ledger.key';
const VKEY_FILE = 'ledger.vkey';
const TRUSTED_DIR = 'trusted';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

// Temp file, fsync, rename: a crash leaves either the old file or the complete new one, never half a key.
async function writeFileAtomic(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  // A leftover temp file from a crash could carry looser permissions; start from a fresh one.
  await rm(temp, { force: true });
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.chmod(mode); // the umask may have narrowed it; the mode is part of the contract
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the renames durable; some platforms cannot fsync a directory, which only weakens durability.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

function loadKey(pem: string, name: string, path: string): LedgerKey {
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new Error(`${path}: not a PEM private key: ${(error as Error).message}`, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path}: the ledger key must be Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { name, privateKey, publicKey, vkey: verifierKeyText(name, publicKey) };
}

/** Loads the ledger key from `dir`, or creates it there on first use. */
export async function loadOrCreateLedgerKey(dir: string, name: string): Promise<LedgerKey> {
  const keyPath = join(dir, KEY_FILE);
  const vkeyPath = join(dir, VKEY_FILE);
  const pem = await readIfPresent(keyPath);
  if (pem !== undefined) {
    const key = loadKey(pem, name, keyPath);
    // The vkey is what auditors were given; a key (or name) that no longer matches it means tampering or a mix-up.
    const vkey = (await readIfPresent(vkeyPath))?.trim();
    if (vkey !== key.vkey) {
      throw new Error(`${vkeyPath} (${vkey ?? 'missing'}) does not match ${keyPath} under name ${name} (${key.vkey})`);
    }
    return key;
  }

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const vkey = verifierKeyText(name, publicKey);
  // The vkey first: a crash between the two leaves no key, and the next start simply makes a new pair.
  await writeFileAtomic(vkeyPath, `${vkey}\n`, 0o644);
  await writeFileAtomic(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 0o600);
  await syncDir(dir);
  return { name, privateKey, publicKey, vkey };
}

function parseVkeyFile(text: string, path: string): NoteVerifier {
  try {
    return parseVerifierKey(text.trim());
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The verifier keys an auditor of this installation trusts: ledger.vkey and every trusted/*.vkey. */
export async function loadTrustedVerifiers(dir: string): Promise<NoteVerifier[]> {
  const paths = [join(dir, VKEY_FILE)];
  try {
    const names = (await readdir(join(dir, TRUSTED_DIR))).filter((n) => n.endsWith('.vkey')).sort();
    paths.push(...names.map((n) => join(dir, TRUSTED_DIR, n)));
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const verifiers: NoteVerifier[] = [];
  for (const path of paths) {
    const text = await readIfPresent(path);
    if (text === undefined) continue;
    const verifier = parseVkeyFile(text, path);
    const duplicate = verifiers.some((v) => v.name === verifier.name && v.keyId.equals(verifier.keyId));
    if (!duplicate) verifiers.push(verifier);
  }
  return verifiers;
}

/** Adds a verifier key (e.g. of an earlier installation) to `dir/trusted/`; a no-op when already trusted. */
export async function addTrustedVerifier(dir: string, vkey: string): Promise<void> {
  const text = vkey.trim();
  const verifier = parseVerifierKey(text);
  if ((await readIfPresent(join(dir, VKEY_FILE)))?.trim() === text) return;
  // Key names may contain '/' and other characters a file name cannot.
  const safeName = verifier.name.replace(/[^A-Za-z0-9._-]/g, '_');
  const path = join(dir, TRUSTED_DIR, `${safeName}-${verifier.keyId.toString('hex')}.vkey`);
  const existing = await readIfPresent(path);
  if (existing !== undefined) {
    // Same name and 4-byte key id but another key: refuse rather than silently keep one of them.
    if (existing.trim() !== text) throw new CheckpointError(`${path} already holds a different key`);
    return;
  }
  await mkdir(join(dir, TRUSTED_DIR), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${text}\n`, 0o644);
}
