/**
 * Checkpoints as C2SP signed notes (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint), the
 * format of Go's golang.org/x/mod/sumdb/note, so that standard witnesses and tools can check our ledger:
 *
 *   <origin>\n<size>\n<base64 root>\n      (the body, which is what is signed)
 *   \n
 *   — <key name> <base64(key id (4 bytes) || Ed25519 signature (64 bytes))>\n   (one line per signature)
 */
import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

const ALG_ED25519 = 0x01;
const SIG_PREFIX = '\u2014 ';
// Go's note.Open refuses more than this; without a cap a note could make us verify without bound.
const MAX_SIGNATURES = 100;

/** A signed statement that the log had `size` entries with Merkle root `rootHash` (hex). */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: string /* hex */;
}

/** A named Ed25519 key that signs notes. */
export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A named Ed25519 key, with its key id, that notes are checked against. */
export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

/** A malformed or unverifiable checkpoint note. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

// Key names become the second word of signature lines and the first field of vkeys.
function checkKeyName(name: string): void {
  if (name === '' || /[\s+]/u.test(name) || hasControl(name)) {
    throw new CheckpointError(`invalid key name ${JSON.stringify(name)}: must be non-empty, without spaces or '+'`);
  }
}

// Signatures cover UTF-8 bytes, so text must encode unambiguously: no controls but newline, no lone surrogates.
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) return true;
  }
  return /[\uD800-\uDFFF]/u.test(text);
}

// Node's base64 decoder skips invalid characters; re-encoding catches every non-canonical spelling.
function decodeBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (text === '' || bytes.toString('base64') !== text) throw new CheckpointError(`${what} is not canonical base64`);
  return bytes;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new CheckpointError('note keys must be Ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

/** Key id of a note key: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || raw public key). */
export function keyIdOf(name: string, publicKey: KeyObject): Buffer {
  const hash = createHash('sha256').update(name, 'utf8').update('\n').update(Buffer.from([ALG_ED25519]));
  return hash.update(rawPublicKey(publicKey)).digest().subarray(0, 4);
}

/** The verifier key text ("vkey") an auditor needs: name+hexkeyid+base64(0x01 || public key). */
export function verifierKeyText(name: string, publicKey: KeyObject): string {
  checkKeyName(name);
  const material = Buffer.concat([Buffer.from([ALG_ED25519]), rawPublicKey(publicKey)]).toString('base64');
  return `${name}+${keyIdOf(name, publicKey).toString('hex')}+${material}`;
}

/** Parses a vkey, checking its key id against its name and key; throws CheckpointError when malformed. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // The base64 key material may itself contain '+', so split at the first two only.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new CheckpointError('malformed verifier key: want name+keyid+key');
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new CheckpointError('malformed verifier key: key id must be 8 lowercase hex digits');
  const material = decodeBase64(vkey.slice(second + 1), 'verifier key material');
  if (material.length !== 33 || material[0] !== ALG_ED25519) {
    throw new CheckpointError('malformed verifier key: want an Ed25519 key (type 0x01, 32 bytes)');
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: material.subarray(1).toString('base64url') }, format: 'jwk' });
  } catch (error) {
    throw new CheckpointError(`malformed verifier key: ${(error as Error).message}`);
  }
  const keyId = keyIdOf(name, publicKey);
  if (keyId.toString('hex') !== idHex) throw new CheckpointError('malformed verifier key: key id does not match name and key');
  return { name, keyId, publicKey };
}

/** Signs any note body (text ending in a newline) and returns the whole note. */
export function signNote(body: string, signer: NoteSigner): string {
  checkKeyName(signer.name);
  if (!body.endsWith('\n') || body.includes('\n\n') || hasControl(body)) {
    throw new CheckpointError('a note body must end with a newline and contain no blank line or control character');
  }
  const signature = sign(null, Buffer.from(body, 'utf8'), signer.privateKey);
  const blob = Buffer.concat([keyIdOf(signer.name, signer.publicKey), signature]).toString('base64');
  return `${body}\n${SIG_PREFIX}${signer.name} ${blob}\n`;
}

/**
 * Checks a note's signatures and returns its body. At least one signature must be by a known verifier and
 * every signature by a known verifier must verify; signatures by unknown keys are ignored (they may be
 * witnesses' cosignatures), as the signed-note spec requires.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): string {
  if (hasControl(note)) throw new CheckpointError('note contains a control character');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new CheckpointError('note has no blank line before its signatures');
  const body = note.slice(0, split + 1);
  const sigText = note.slice(split + 2);
  if (sigText === '' || !sigText.endsWith('\n')) throw new CheckpointError('note has no signature lines');
  const lines = sigText.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new CheckpointError(`note has more than ${MAX_SIGNATURES} signatures`);

  const data = Buffer.from(body, 'utf8');
  const seen = new Set<string>();
  let verified = 0;
  for (const line of lines) {
    const match = /^\u2014 ([^ ]+) ([^ ]+)$/u.exec(line);
    if (match === null) throw new CheckpointError(`malformed signature line ${JSON.stringify(line)}`);
    const [, name = '', blobText = ''] = match;
    checkKeyName(name);
    const blob = decodeBase64(blobText, 'signature');
    if (blob.length < 5) throw new CheckpointError('signature too short to hold a key id');
    const keyId = blob.subarray(0, 4);
    const verifier = verifiers.find((v) => v.name === name && v.keyId.equals(keyId));
    if (verifier === undefined) continue;
    const id = `${name}+${keyId.toString('hex')}`;
    // Two signatures by one key are never produced honestly; Go rejects the note, so do we.
    if (seen.has(id)) throw new CheckpointError(`note has two signatures by ${id}`);
    seen.add(id);
    const signature = blob.subarray(4);
    if (signature.length !== 64 || !verify(null, data, verifier.publicKey, signature)) {
      throw new CheckpointError(`invalid signature by ${id}`);
    }
    verified++;
  }
  if (verified === 0) throw new CheckpointError('no signature by a trusted key');
  return body;
}

/** The checkpoint body: origin, size and base64 root, one per line. */
export function formatCheckpointBody(c: Checkpoint): string {
  if (c.origin === '' || /\s/u.test(c.origin) || hasControl(c.origin)) {
    throw new CheckpointError(`invalid origin ${JSON.stringify(c.origin)}`);
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new CheckpointError(`invalid tree size ${c.size}`);
  if (!/^[0-9a-fA-F]{64}$/.test(c.rootHash)) throw new CheckpointError(`invalid root hash ${JSON.stringify(c.rootHash)}`);
  return `${c.origin}\n${c.size}\n${Buffer.from(c.rootHash, 'hex').toString('base64')}\n`;
}

/** Signs a checkpoint and returns the whole note. */
export function signCheckpoint(c: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpointBody(c), signer);
}

/** Parses the body of a checkpoint note without checking signatures; throws CheckpointError when malformed. */
export function parseCheckpointBody(note: string): Checkpoint {
  const end = note.indexOf('\n\n');
  const body = end < 0 ? note : note.slice(0, end + 1);
  // Exactly three lines: we sign no extension lines, and accepting unknown ones would drop signed data.
  const lines = body.split('\n');
  if (lines.length !== 4 || lines[3] !== '') throw new CheckpointError('checkpoint body must be exactly origin, size and root lines');
  const [origin = '', sizeText = '', rootText = ''] = lines;
  if (origin === '' || /\s/u.test(origin) || hasControl(origin)) throw new CheckpointError('invalid checkpoint origin');
  // Canonical decimal only: "007" and "7" must not be two spellings of one signed statement.
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new CheckpointError(`invalid checkpoint size ${JSON.stringify(sizeText)}`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new CheckpointError(`checkpoint size ${sizeText} is too large`);
  const root = decodeBase64(rootText, 'checkpoint root');
  if (root.length !== 32) throw new CheckpointError(`checkpoint root is ${root.length} bytes, want 32`);
  return { origin, size, rootHash: root.toString('hex') };
}

/** Verifies a checkpoint note against trusted verifiers and returns the checkpoint it states. */
export function verifyCheckpoint(note: string, verifiers: readonly NoteVerifier[]): Checkpoint {
  return parseCheckpointBody(openNote(note, verifiers));
}
