/**
 * RFC 6962 / RFC 9162 Merkle tree hashing over the event log. Leaves are event hashes (32 bytes each);
 * the 0x00 / 0x01 prefixes keep a leaf from ever being read as an interior node (second-preimage defence).
 *
 * The "frontier" of a tree of size n is the list of roots of its perfect subtrees, left to right, one per
 * set bit of n, largest first. It is all the state needed to append a leaf and to compute the root,
 * so the store keeps it instead of the whole tree.
 */
import { createHash, hash } from 'node:crypto';

const NODE_PREFIX = Buffer.from([0x01]);
const HASH_HEX = /^[0-9a-fA-F]{64}$/;

/** Hex SHA-256 of the empty string: the root of the empty tree (RFC 6962 §2.1). */
export const EMPTY_ROOT_HEX: string = createHash('sha256').digest('hex');

// Buffer.from(hex) silently drops what it cannot parse, so a malformed hash must be refused first.
function hashBytes(hex: string, what: string): Buffer {
  if (!HASH_HEX.test(hex)) throw new TypeError(`${what} must be 64 hex characters, got ${JSON.stringify(hex)}`);
  return Buffer.from(hex, 'hex');
}

// Hashing the few bytes of a leaf or a node costs less than the call around it, and of the calls crypto.hash()
// into a binary ("latin1") string is the cheapest by far (createHash() or a Buffer result cost 2-4 times as
// much): the hot paths below hash from these reused input buffers and pass digests around as such strings.
// Everything here is synchronous, so no two calls ever share an input buffer.
const leafInput = Buffer.alloc(1 + 32);
leafInput[0] = 0x00;
const nodeInput = Buffer.alloc(1 + 32 + 32);
nodeInput[0] = 0x01;

/** SHA-256(0x00 || event hash bytes) as a binary string; the same check as hashBytes(). */
function leafHashBinary(eventHashHex: string): string {
  // 32 bytes written means 64 valid hex digits from the start; with the length, that is HASH_HEX.
  if (typeof eventHashHex !== 'string' || eventHashHex.length !== 64 || leafInput.write(eventHashHex, 1, 32, 'hex') !== 32) {
    hashBytes(eventHashHex, 'event hash').copy(leafInput, 1); // throws the usual TypeError
  }
  return hash('sha256', leafInput, 'binary');
}

/** SHA-256(0x01 || left || right) over binary strings. */
function nodeHashBinary(left: string, right: string): string {
  if (left.length !== 32 || right.length !== 32) {
    return createHash('sha256').update(NODE_PREFIX).update(left, 'latin1').update(right, 'latin1').digest('binary');
  }
  nodeInput.write(left, 1, 32, 'latin1');
  nodeInput.write(right, 33, 32, 'latin1');
  return hash('sha256', nodeInput, 'binary');
}

/** Leaf hash of one event: SHA-256(0x00 || event hash bytes). */
export function leafHash(eventHashHex: string): Buffer {
  return Buffer.from(leafHashBinary(eventHashHex), 'latin1');
}

/** Interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  if (left.length !== 32 || right.length !== 32) return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 33);
  return Buffer.from(hash('sha256', nodeInput, 'binary'), 'latin1');
}

/** Largest power of two strictly smaller than n (n >= 2): where RFC 6962 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaves[start, end); ranges instead of slices so big trees are not copied at every level. */
export function rangeRoot(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 1) return leaves[start] as Buffer;
  const k = splitPoint(n);
  return nodeHash(rangeRoot(leaves, start, start + k), rangeRoot(leaves, start + k, end));
}

/** Merkle tree hash MTH(D[n]) of already leaf-hashed values (RFC 6962 §2.1). */
export function rootOf(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return Buffer.from(EMPTY_ROOT_HEX, 'hex');
  return rangeRoot(leaves, 0, leaves.length);
}

function popcount(n: number): number {
  let count = 0;
  // Division, not >>: sizes may exceed 2^31 and bitwise operators truncate to 32 bits.
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
  return count;
}

function checkSize(size: number, frontierLength: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`tree size must be a non-negative safe integer, got ${size}`);
  // A frontier that does not match its size would silently give wrong roots from then on.
  if (popcount(size) !== frontierLength) {
    throw new RangeError(`frontier has ${frontierLength} subtree roots but a tree of size ${size} has ${popcount(size)}`);
  }
}

/** Frontier of the tree of size+1, given the frontier of the tree of size `size` and the new leaf hash. */
export function appendToFrontier(frontier: readonly string[], size: number, leafHashHex: string): string[] {
  checkSize(size, frontier.length);
  const out = frontier.slice();
  let acc = hashBytes(leafHashHex, 'leaf hash');
  // Each trailing 1 bit of size is a perfect subtree of the same height as acc: merge them like a binary carry.
  for (let s = size; s % 2 === 1; s = (s - 1) / 2) {
    acc = nodeHash(hashBytes(out.pop() as string, 'frontier entry'), acc);
  }
  out.push(acc.toString('hex'));
  return out;
}

/** Hex root of the whole tree described by a frontier; EMPTY_ROOT_HEX for the empty tree. */
export function frontierRoot(frontier: readonly string[]): string {
  const last = frontier.at(-1);
  if (last === undefined) return EMPTY_ROOT_HEX;
  let acc = hashBytes(last, 'frontier entry');
  for (let i = frontier.length - 2; i >= 0; i--) acc = nodeHash(hashBytes(frontier[i] as string, 'frontier entry'), acc);
  return acc.toString('hex');
}

/**
 * The frontier in memory, for recomputing the root over millions of events without hex round trips. The
 * subtree roots are kept as binary strings (one char per byte), the cheapest form to hash from and into.
 */
export class MerkleAccumulator {
  private readonly stack: string[] = [];
  private count = 0;

  /** Appends one leaf hash (already SHA-256(0x00 || data)). */
  push(leaf: Buffer): void {
    this.pushBinary(leaf.toString('latin1'));
  }

  /** Appends the leaf of one event: the same as push(leafHash(eventHashHex)), and throws the same way. */
  pushEventHash(eventHashHex: string): void {
    this.pushBinary(leafHashBinary(eventHashHex));
  }

  private pushBinary(leaf: string): void {
    let acc = leaf;
    for (let s = this.count; s % 2 === 1; s = (s - 1) / 2) acc = nodeHashBinary(this.stack.pop() as string, acc);
    this.stack.push(acc);
    this.count++;
  }

  /** Number of leaves pushed so far. */
  get size(): number {
    return this.count;
  }

  /** Root of the tree of all leaves pushed so far. */
  root(): Buffer {
    let acc = this.stack.at(-1);
    if (acc === undefined) return Buffer.from(EMPTY_ROOT_HEX, 'hex');
    for (let i = this.stack.length - 2; i >= 0; i--) acc = nodeHashBinary(this.stack[i] as string, acc);
    return Buffer.from(acc, 'latin1');
  }

  /** The same frontier as appendToFrontier would hold, in hex. */
  frontierHex(): string[] {
    return this.stack.map((s) => Buffer.from(s, 'latin1').toString('hex'));
  }
}
