/**
 * Inclusion proofs for many leaves of one tree. proofs.ts computes each path from the leaves again
 * (O(n) per proof); a record holds a hundred events of a log of millions, so this builds the perfect,
 * aligned subtrees once (O(n)) and reads each path from them (O(log² n)). The paths are the same as
 * RFC 6962 PATH, which merkle-paths.test.ts checks against proofs.ts.
 */
import { nodeHash, splitPoint } from '../store/ledger/merkle.ts';

const HASH = 32;

export class MerkleTree {
  /** levels[h] holds the roots of the aligned subtrees of 2^h leaves, 32 bytes each, left to right. */
  private readonly levels: Buffer[];
  readonly size: number;

  /** `leaves`: the leaf hashes (SHA-256(0x00 ‖ event hash)) of the whole tree, concatenated. */
  constructor(leaves: Buffer) {
    if (leaves.length % HASH !== 0 || leaves.length === 0) throw new RangeError('need at least one 32-byte leaf hash');
    this.size = leaves.length / HASH;
    this.levels = [leaves];
    for (let below = leaves; below.length >= 2 * HASH; ) {
      const count = Math.floor(below.length / HASH / 2);
      const level = Buffer.allocUnsafe(count * HASH);
      for (let i = 0; i < count; i++) {
        nodeHash(below.subarray(2 * i * HASH, (2 * i + 1) * HASH), below.subarray((2 * i + 1) * HASH, (2 * i + 2) * HASH)).copy(level, i * HASH);
      }
      this.levels.push(level);
      below = level;
    }
  }

  /** MTH of leaves [start, end), from the stored levels where the range is an aligned perfect subtree. */
  private rangeRoot(start: number, end: number): Buffer {
    const n = end - start;
    // log2 is exact for powers of two; bitwise tests would truncate sizes above 2^31.
    const height = Math.log2(n);
    if (Number.isInteger(height) && start % n === 0) {
      const level = this.levels[height]!;
      const i = start / n;
      return level.subarray(i * HASH, (i + 1) * HASH);
    }
    const k = splitPoint(n);
    return nodeHash(this.rangeRoot(start, start + k), this.rangeRoot(start + k, end));
  }

  /** The tree's root. */
  root(): Buffer {
    return this.rangeRoot(0, this.size);
  }

  /** RFC 6962 PATH(index, D[0:size]): siblings from the leaf upwards. */
  inclusionPath(index: number): Buffer[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) throw new RangeError(`index ${index} is not in a tree of size ${this.size}`);
    let start = 0;
    let end = this.size;
    const siblings: Buffer[] = [];
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (index < start + k) {
        siblings.push(this.rangeRoot(start + k, end));
        end = start + k;
      } else {
        siblings.push(this.rangeRoot(start, start + k));
        start += k;
      }
    }
    // Collected from the root down; the path lists them from the leaf up.
    return siblings.reverse();
  }
}
