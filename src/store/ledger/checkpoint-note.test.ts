import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  formatCheckpointBody,
  keyIdOf,
  openNote,
  parseCheckpointBody,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  verifierKeyText,
  verifyCheckpoint,
} from './checkpoint-note.ts';
import type { Checkpoint, NoteSigner, NoteVerifier } from './checkpoint-note.ts';

function newSigner(name: string): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { name, privateKey, publicKey };
}
const verifierOf = (s: NoteSigner): NoteVerifier => parseVerifierKey(verifierKeyText(s.name, s.publicKey));

const signer = newSigner('openbes.example/ledger');
const verifier = verifierOf(signer);
const cp: Checkpoint = { origin: 'openbes.example/ledger', size: 1234, rootHash: 'ab'.repeat(32) };
const note = signCheckpoint(cp, signer);

// golang.org/x/mod/sumdb/note's documented example: an external anchor for the whole note format.
const GO_SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('checkpoint notes', () => {
  it('round-trips sign and verify', () => {
    expect(verifyCheckpoint(note, [verifier])).toEqual(cp);
    expect(note.startsWith(`${formatCheckpointBody(cp)}\n\u2014 openbes.example/ledger `)).toBe(true);
    expect(formatCheckpointBody(cp)).toBe(`openbes.example/ledger\n1234\n${Buffer.alloc(32, 0xab).toString('base64')}\n`);
    const blob = Buffer.from(note.trimEnd().split(' ').at(-1) as string, 'base64');
    expect(blob.length).toBe(68);
    expect(blob.subarray(0, 4)).toEqual(verifier.keyId);
  });

  it('round-trips arbitrary checkpoints', () => {
    const checkpoints = fc.record({
      origin: fc.stringMatching(/^[a-z0-9./-]{1,40}$/),
      size: fc.maxSafeNat(),
      rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    });
    fc.assert(
      fc.property(checkpoints, (c) => {
        const n = signCheckpoint(c, signer);
        expect(verifyCheckpoint(n, [verifier])).toEqual(c);
        expect(parseCheckpointBody(n)).toEqual(c);
      }),
      { numRuns: 50 },
    );
  });

  it('matches the Go sumdb/note reference signature byte for byte', () => {
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), GO_SEED]);
    const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const peter = { name: 'PeterNeumann', privateKey, publicKey: createPublicKey(privateKey) };
    expect(verifierKeyText(peter.name, peter.publicKey)).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, peter)).toBe(GO_NOTE);
    expect(openNote(GO_NOTE, [parseVerifierKey(GO_VKEY)])).toBe(GO_TEXT);
    expect(() => openNote(GO_NOTE.replace('cryptography', 'cryptographY'), [parseVerifierKey(GO_VKEY)])).toThrow(CheckpointError);
  });

  it('rejects a changed size, root or origin', () => {
    const [origin, size, root] = formatCheckpointBody(cp).split('\n') as [string, string, string];
    const otherRoot = Buffer.alloc(32, 0xac).toString('base64');
    for (const tampered of [
      note.replace(`\n${size}\n`, '\n1235\n'),
      note.replace(root, otherRoot),
      note.replace(origin, 'openbes.example/other'),
    ]) {
      expect(tampered).not.toBe(note);
      expect(() => verifyCheckpoint(tampered, [verifier])).toThrow(CheckpointError);
    }
  });

  it('rejects a changed signature byte', () => {
    const line = note.trimEnd().split('\n').at(-1) as string;
    const blob = Buffer.from(line.split(' ')[2] as string, 'base64');
    for (const i of [0, 3, 4, 40, 67]) {
      const bad = Buffer.from(blob);
      bad[i] = (bad[i] as number) ^ 1;
      const tampered = note.replace(line, `\u2014 ${signer.name} ${bad.toString('base64')}`);
      expect(() => verifyCheckpoint(tampered, [verifier])).toThrow(CheckpointError);
    }
  });

  it('rejects a wrong key and a note signed only by unknown keys', () => {
    const impostor = newSigner(signer.name);
    expect(() => verifyCheckpoint(signCheckpoint(cp, impostor), [verifier])).toThrow(CheckpointError);
    const stranger = newSigner('stranger.example');
    expect(() => verifyCheckpoint(signCheckpoint(cp, stranger), [verifier])).toThrow(/no signature by a trusted key/);
    expect(() => verifyCheckpoint(note, [])).toThrow(CheckpointError);
  });

  it('ignores unknown co-signers but not a bad or repeated known signature', () => {
    const stranger = newSigner('witness.example');
    const strangerLine = signCheckpoint(cp, stranger).split('\n\n')[1] as string;
    expect(verifyCheckpoint(note + strangerLine, [verifier])).toEqual(cp);
    expect(verifyCheckpoint(note + strangerLine, [verifier, verifierOf(stranger)])).toEqual(cp);
    const ownLine = note.split('\n\n')[1] as string;
    expect(() => verifyCheckpoint(note + ownLine, [verifier])).toThrow(/two signatures/);
    const forged = signCheckpoint({ ...cp, size: 1 }, signer).split('\n\n')[1] as string;
    // A signature of another checkpoint pasted under this body: the unknown co-signer cannot rescue it.
    const pasted = `${formatCheckpointBody(cp)}\n${forged}${strangerLine}`;
    expect(() => verifyCheckpoint(pasted, [verifier, verifierOf(stranger)])).toThrow(/invalid signature/);
  });

  it('rejects malformed notes', () => {
    const body = formatCheckpointBody(cp);
    const sigLine = note.slice(body.length + 1);
    for (const bad of [
      body + sigLine, // no blank line before the signatures
      `${body}\n`, // no signature line at all
      note.trimEnd(), // signature line without its newline
      note.replace('\u2014 ', '- '), // ASCII dash instead of the em dash
      note.replace(/ (\S+)\n$/u, ' $1 extra\n'),
      `${note}garbage\n`,
      note.replace('1234', '12\t34'),
    ]) {
      expect(() => verifyCheckpoint(bad, [verifier])).toThrow(CheckpointError);
    }
  });

  it('rejects non-canonical bodies even when correctly signed', () => {
    const root = Buffer.alloc(32, 0xab).toString('base64');
    for (const body of [
      `${cp.origin}\n007\n${root}\n`,
      `${cp.origin}\n+7\n${root}\n`,
      `${cp.origin}\n-1\n${root}\n`,
      `${cp.origin}\n9007199254740993\n${root}\n`,
      `${cp.origin}\n7\n${Buffer.alloc(31).toString('base64')}\n`,
      `${cp.origin}\n7\n${root.slice(0, -1)}\n`,
      `${cp.origin}\n7\n${root}\nextension line\n`,
      `${cp.origin}\n7\n`,
    ]) {
      expect(() => verifyCheckpoint(signNote(body, signer), [verifier])).toThrow(CheckpointError);
      expect(() => parseCheckpointBody(body)).toThrow(CheckpointError);
    }
  });

  it('refuses to format or sign an invalid checkpoint', () => {
    expect(() => formatCheckpointBody({ ...cp, origin: '' })).toThrow(CheckpointError);
    expect(() => formatCheckpointBody({ ...cp, origin: 'a\nb' })).toThrow(CheckpointError);
    expect(() => formatCheckpointBody({ ...cp, size: -1 })).toThrow(CheckpointError);
    expect(() => formatCheckpointBody({ ...cp, size: 1.5 })).toThrow(CheckpointError);
    expect(() => formatCheckpointBody({ ...cp, rootHash: 'ab' })).toThrow(CheckpointError);
    expect(() => signCheckpoint(cp, { ...signer, name: 'has space' })).toThrow(CheckpointError);
  });
});

describe('verifier keys', () => {
  it('parse back to the same name, key id and key', () => {
    const vkey = verifierKeyText(signer.name, signer.publicKey);
    const parsed = parseVerifierKey(vkey);
    expect(parsed.name).toBe(signer.name);
    expect(parsed.keyId).toEqual(keyIdOf(signer.name, signer.publicKey));
    expect(vkey.split('+')[1]).toBe(parsed.keyId.toString('hex'));
    expect(parsed.publicKey.equals(signer.publicKey)).toBe(true);
  });

  it('reject malformed or inconsistent keys', () => {
    const vkey = verifierKeyText(signer.name, signer.publicKey);
    const [name, id, material] = [signer.name, verifier.keyId.toString('hex'), vkey.slice(vkey.indexOf('+', vkey.indexOf('+') + 1) + 1)];
    const raw = Buffer.from(material, 'base64');
    const otherType = Buffer.from(raw);
    otherType[0] = 0x02;
    for (const bad of [
      '',
      name,
      `${name}+${id}`,
      `other.example+${id}+${material}`, // key id no longer matches the name
      `${name}+00000000+${material}`,
      // Upper case is refused; an id of digits only (about 2 % of random keys) has no upper case to try.
      ...(/[a-f]/.test(id) ? [`${name}+${id.toUpperCase()}+${material}`] : []),
      `${name}+${id}+${raw.subarray(0, 32).toString('base64')}`,
      `${name}+${id}+${otherType.toString('base64')}`,
      `${name}+${id}+${material}=`,
      `bad name+${id}+${material}`,
    ]) {
      expect(() => parseVerifierKey(bad), bad).toThrow(CheckpointError);
    }
  });
});
