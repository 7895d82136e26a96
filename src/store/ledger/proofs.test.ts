import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash, rootOf } from './merkle.ts';
import { ProofError, consistencyProof, inclusionProof, verifyConsistency, verifyInclusion } from './proofs.ts';

const MAX = 200;
// Distinct leaves, so a proof can never verify for another index by coincidence.
const LEAVES = Array.from({ length: MAX }, (_, i) => leafHash(createHash('sha256').update(`leaf ${i}`).digest('hex')));
const flipBit = (b: Buffer, bit: number): Buffer => {
  const out = Buffer.from(b);
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
};

const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1)));
const twoSizes = fc.integer({ min: 1, max: MAX }).chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));

describe('inclusion proofs', () => {
  it('every generated proof verifies, and tampering is rejected', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(255), ([size, index], pick, bit) => {
        const root = rootOf(LEAVES.slice(0, size));
        const leaf = LEAVES[index] as Buffer;
        const proof = inclusionProof(index, size, LEAVES);
        verifyInclusion(index, size, leaf, proof, root);

        if (proof.length > 0) {
          const i = pick % proof.length;
          const bad = proof.map((p, k) => (k === i ? flipBit(p, bit) : p));
          expect(() => verifyInclusion(index, size, leaf, bad, root)).toThrow(ProofError);
        }
        if (size > 1) {
          const other = (index + 1 + (pick % (size - 1))) % size;
          expect(() => verifyInclusion(other, size, leaf, proof, root)).toThrow(ProofError);
        }
        expect(() => verifyInclusion(index, size, leaf, proof, flipBit(root, bit))).toThrow(ProofError);
        expect(() => verifyInclusion(index, size, flipBit(leaf, bit), proof, root)).toThrow(ProofError);
        expect(() => verifyInclusion(size, size, leaf, proof, root)).toThrow(ProofError);
        expect(() => verifyInclusion(index, size, leaf, [...proof, root], root)).toThrow(ProofError);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects out-of-range arguments when generating', () => {
    expect(() => inclusionProof(0, 0, LEAVES)).toThrow(RangeError);
    expect(() => inclusionProof(3, 3, LEAVES)).toThrow(RangeError);
    expect(() => inclusionProof(0, MAX + 1, LEAVES)).toThrow(RangeError);
  });
});

describe('consistency proofs', () => {
  it('every generated proof verifies, and tampering is rejected', () => {
    fc.assert(
      fc.property(twoSizes, fc.nat(), fc.nat(255), ([size1, size2], pick, bit) => {
        const root1 = rootOf(LEAVES.slice(0, size1));
        const root2 = rootOf(LEAVES.slice(0, size2));
        const proof = consistencyProof(size1, size2, LEAVES);
        verifyConsistency(size1, size2, proof, root1, root2);

        if (proof.length > 0) {
          const i = pick % proof.length;
          const bad = proof.map((p, k) => (k === i ? flipBit(p, bit) : p));
          expect(() => verifyConsistency(size1, size2, bad, root1, root2)).toThrow(ProofError);
          expect(() => verifyConsistency(size1, size2, proof.slice(1), root1, root2)).toThrow(ProofError);
        }
        expect(() => verifyConsistency(size1, size2, proof, flipBit(root1, bit), root2)).toThrow(ProofError);
        expect(() => verifyConsistency(size1, size2, proof, root1, flipBit(root2, bit))).toThrow(ProofError);
        if (size1 < size2) {
          expect(() => verifyConsistency(size1, size2, [], root1, root2)).toThrow(ProofError);
          expect(() => verifyConsistency(size2, size1, proof, root2, root1)).toThrow(ProofError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('follows verify.go on the degenerate sizes', () => {
    const root = rootOf(LEAVES.slice(0, 1));
    expect(consistencyProof(0, 5, LEAVES)).toEqual([]);
    expect(consistencyProof(5, 5, LEAVES)).toEqual([]);
    expect(() => verifyConsistency(0, 0, [], root, root)).toThrow(ProofError);
    expect(() => verifyConsistency(0, 1, [], root, root)).toThrow(ProofError);
    expect(() => verifyConsistency(1, 1, [root], root, root)).toThrow(ProofError);
    expect(() => verifyConsistency(2, 1, [], root, root)).toThrow(ProofError);
    expect(() => verifyConsistency(Number.MAX_SAFE_INTEGER + 1, 1, [], root, root)).toThrow(ProofError);
  });

  it('works with tree sizes beyond 32 bits', () => {
    // A perfect tree of 2^40 leaves whose left half we know: the proof is just the right half's root.
    const left = Buffer.alloc(32, 7);
    const right = Buffer.alloc(32, 9);
    const root2 = createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();
    verifyConsistency(2 ** 39, 2 ** 40, [right], left, root2);
    verifyInclusion(0, 2, left, [right], root2);
    expect(() => verifyConsistency(2 ** 39, 2 ** 40 + 2 ** 32, [right], left, root2)).toThrow(ProofError);
  });
});

// Third-party conformance vectors (transparency-dev/merkle testdata), kept beside the repository.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const vectorRoot = path.resolve(repoRoot, '..', 'shared', 'testdata', 'rfc6962');

function listJson(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listJson(full);
    return e.isFile() && e.name.endsWith('.json') ? [full] : [];
  });
}

// Go decodes base64 []byte fields and maps null to nil; an empty buffer is the faithful equivalent.
const bytes = (v: unknown): Buffer => (typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.alloc(0));
const hashes = (v: unknown): Buffer[] => (Array.isArray(v) ? v.map(bytes) : []);

function runVector(kind: string, v: Record<string, unknown>): void {
  if (kind === 'inclusion') {
    verifyInclusion(v.leafIdx as number, v.treeSize as number, bytes(v.leafHash), hashes(v.proof), bytes(v.root));
  } else {
    verifyConsistency(v.size1 as number, v.size2 as number, hashes(v.proof), bytes(v.root1), bytes(v.root2));
  }
}

const vectorsPresent = existsSync(vectorRoot);
const suite = vectorsPresent ? describe : describe.skip;
const suiteName = vectorsPresent ? 'RFC 6962 conformance vectors' : 'RFC 6962 vectors absent (../shared/testdata/rfc6962)';

suite(suiteName, () => {
  if (!vectorsPresent) {
    if (process.env.CI === 'true') throw new Error(`RFC 6962 conformance vectors are required in CI but ${vectorRoot} does not exist`);
    it('needs ../shared/testdata/rfc6962', () => {});
    return;
  }
  const files = ['inclusion', 'consistency'].flatMap((kind) => {
    const dir = path.join(vectorRoot, kind);
    return existsSync(dir) ? listJson(dir).sort().map((file) => ({ kind, file })) : [];
  });

  it('finds the vector files', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => f.kind === 'inclusion').length).toBeGreaterThan(0);
    expect(files.filter((f) => f.kind === 'consistency').length).toBeGreaterThan(0);
  });

  for (const { kind, file } of files) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    it(`${path.relative(vectorRoot, file)} (${String(v.desc)})`, () => {
      expect(typeof v.wantErr).toBe('boolean');
      if (v.wantErr === true) expect(() => runVector(kind, v)).toThrow(ProofError);
      else runVector(kind, v);
    });
  }
});
