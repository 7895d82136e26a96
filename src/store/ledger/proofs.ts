/**
 * Merkle inclusion and consistency proofs (RFC 6962 §2.1.1–2.1.2 to produce, RFC 9162 §2.1.3–2.1.4 to verify).
 * Verification follows transparency-dev/merkle proof/verify.go, whose test vectors we run, so that any
 * proof this module accepts is one the Go ecosystem (witnesses, monitors) accepts too, and vice versa.
 */
import { nodeHash, rangeRoot, splitPoint } from './merkle.ts';

const HASH_SIZE = 32;

/** A proof that does not verify, or arguments that cannot describe a valid proof. */
export class ProofError extends Error {
  override name = 'ProofError';
}

function checkRange(index: number, size: number, leaves: readonly Buffer[]): void {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || size > leaves.length) {
    throw new RangeError(`need 0 <= index < size <= ${leaves.length}, got index ${index}, size ${size}`);
  }
}

// RFC 6962 PATH(m, D[start:end]); siblings are listed from the leaf upwards.
function path(m: number, leaves: readonly Buffer[], start: number, end: number): Buffer[] {
  if (end - start === 1) return [];
  const k = splitPoint(end - start);
  if (m < k) return [...path(m, leaves, start, start + k), rangeRoot(leaves, start + k, end)];
  return [...path(m - k, leaves, start + k, end), rangeRoot(leaves, start, start + k)];
}

// RFC 6962 SUBPROOF(m, D[start:end], complete).
function subproof(m: number, leaves: readonly Buffer[], start: number, end: number, complete: boolean): Buffer[] {
  const n = end - start;
  if (m === n) return complete ? [] : [rangeRoot(leaves, start, end)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(m, leaves, start, start + k, complete), rangeRoot(leaves, start + k, end)];
  return [...subproof(m - k, leaves, start + k, end, false), rangeRoot(leaves, start, start + k)];
}

/** Audit path for leaf `index` in the tree of the first `size` leaf hashes. */
export function inclusionProof(index: number, size: number, leaves: readonly Buffer[]): Buffer[] {
  checkRange(index, size, leaves);
  if (index >= size) throw new RangeError(`index ${index} is not in a tree of size ${size}`);
  return path(index, leaves, 0, size);
}

/** Consistency proof from the tree of size1 leaves to the tree of size2 leaves; empty when there is nothing to prove. */
export function consistencyProof(size1: number, size2: number, leaves: readonly Buffer[]): Buffer[] {
  checkRange(size1, size2, leaves);
  if (size1 > size2) throw new RangeError(`size1 ${size1} > size2 ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  return subproof(size1, leaves, 0, size2, true);
}

// Sizes go up to 2^53 but JS bitwise operators are 32-bit, so the bit arithmetic is done on bigint.
function toBig(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${what} must be a non-negative safe integer, got ${n}`);
  return BigInt(n);
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function onesCount(n: bigint): number {
  let count = 0;
  for (const c of n.toString(2)) if (c === '1') count++;
  return count;
}

function trailingZeros(n: bigint): number {
  let count = 0;
  for (let v = n; v > 0n && (v & 1n) === 0n; v >>= 1n) count++;
  return count;
}

// Splits an inclusion proof where the paths to `index` and to `size - 1` diverge: [inner, border] lengths.
function decompInclProof(index: bigint, size: bigint): [number, number] {
  const inner = bitLength(index ^ (size - 1n));
  return [inner, onesCount(index >> BigInt(inner))];
}

function chainInner(seed: Buffer, proof: readonly Buffer[], index: bigint): Buffer {
  let hash = seed;
  proof.forEach((h, i) => {
    hash = ((index >> BigInt(i)) & 1n) === 0n ? nodeHash(hash, h) : nodeHash(h, hash);
  });
  return hash;
}

// Like chainInner but only left siblings count: it yields the root of the earlier, smaller tree.
function chainInnerRight(seed: Buffer, proof: readonly Buffer[], index: bigint): Buffer {
  let hash = seed;
  proof.forEach((h, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) hash = nodeHash(h, hash);
  });
  return hash;
}

function chainBorderRight(seed: Buffer, proof: readonly Buffer[]): Buffer {
  let hash = seed;
  for (const h of proof) hash = nodeHash(h, hash);
  return hash;
}

// Every hash that enters a computation must be a SHA-256 value; anything else is garbage, not a near miss.
function checkHash(hash: Buffer, what: string): void {
  if (hash.length !== HASH_SIZE) throw new ProofError(`${what} is ${hash.length} bytes, want ${HASH_SIZE}`);
}

function checkMatch(computed: Buffer, expected: Buffer, what: string): void {
  if (!computed.equals(expected)) {
    throw new ProofError(`${what} mismatch: computed ${computed.toString('hex')}, expected ${expected.toString('hex')}`);
  }
}

/** Throws ProofError unless `proof` shows leaf `leafHash` at `index` in the tree of `size` leaves with root `root`. */
export function verifyInclusion(index: number, size: number, leafHash: Buffer, proof: readonly Buffer[], root: Buffer): void {
  const i = toBig(index, 'leaf index');
  const n = toBig(size, 'tree size');
  if (i >= n) throw new ProofError(`leaf index ${index} is beyond tree size ${size}`);
  checkHash(leafHash, 'leaf hash');
  checkHash(root, 'root');
  proof.forEach((h, k) => checkHash(h, `proof[${k}]`));
  const [inner, border] = decompInclProof(i, n);
  if (proof.length !== inner + border) throw new ProofError(`wrong proof size ${proof.length}, want ${inner + border}`);
  const computed = chainBorderRight(chainInner(leafHash, proof.slice(0, inner), i), proof.slice(inner));
  checkMatch(computed, root, 'root');
}

/** Throws ProofError unless `proof` shows the tree (size1, root1) is a prefix of the tree (size2, root2). */
export function verifyConsistency(size1: number, size2: number, proof: readonly Buffer[], root1: Buffer, root2: Buffer): void {
  const n1 = toBig(size1, 'size1');
  const n2 = toBig(size2, 'size2');
  // Same order of checks as verify.go: the vectors pin which of several faults is reported, and
  // in particular that a proof from the empty tree is refused even when size2 is 0 too.
  if (n2 < n1) throw new ProofError(`size2 (${size2}) < size1 (${size1})`);
  if (n1 === 0n) throw new ProofError('consistency proof from the empty tree is meaningless');
  if (n1 === n2) {
    if (proof.length > 0) throw new ProofError('size1 = size2, but the proof is not empty');
    // No hashing happens here, so like verify.go this is plain byte equality of whatever the caller trusts.
    checkMatch(root1, root2, 'root at equal sizes');
    return;
  }
  if (proof.length === 0) throw new ProofError('empty proof');
  checkHash(root1, 'root1');
  checkHash(root2, 'root2');
  proof.forEach((h, k) => checkHash(h, `proof[${k}]`));

  const [fork, border] = decompInclProof(n1 - 1n, n2);
  const shift = trailingZeros(n1);
  const inner = fork - shift; // shift < fork whenever size1 < size2
  // The proof starts with the root of the largest perfect subtree ending at size1, unless that is the whole
  // old tree, whose root the verifier already has.
  const perfect = n1 === 1n << BigInt(shift);
  const seed = perfect ? root1 : (proof[0] as Buffer);
  const start = perfect ? 0 : 1;
  if (proof.length !== start + inner + border) {
    throw new ProofError(`wrong proof size ${proof.length}, want ${start + inner + border}`);
  }
  const rest = proof.slice(start);
  const mask = (n1 - 1n) >> BigInt(shift);

  const hash1 = chainBorderRight(chainInnerRight(seed, rest.slice(0, inner), mask), rest.slice(inner));
  checkMatch(hash1, root1, 'root1');
  const hash2 = chainBorderRight(chainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
  checkMatch(hash2, root2, 'root2');
}
