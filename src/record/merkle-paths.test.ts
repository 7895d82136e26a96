import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash, rootOf } from '../store/ledger/merkle.ts';
import { inclusionProof, verifyInclusion } from '../store/ledger/proofs.ts';
import { MerkleTree } from './merkle-paths.ts';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(createHash('sha256').update(`event ${i}`).digest('hex')));

describe('MerkleTree', () => {
  it('gives exactly the RFC 6962 paths of proofs.ts, for every leaf of every tree up to 70 leaves', () => {
    for (let n = 1; n <= 70; n++) {
      const all = leaves(n);
      const tree = new MerkleTree(Buffer.concat(all));
      expect(tree.root().equals(rootOf(all))).toBe(true);
      for (let i = 0; i < n; i++) {
        const path = tree.inclusionPath(i);
        expect(path.map((b) => b.toString('hex'))).toEqual(inclusionProof(i, n, all).map((b) => b.toString('hex')));
        expect(() => verifyInclusion(i, n, all[i]!, path, tree.root())).not.toThrow();
      }
    }
  });

  it('refuses an index outside the tree and an empty tree', () => {
    const tree = new MerkleTree(Buffer.concat(leaves(5)));
    expect(() => tree.inclusionPath(5)).toThrow(RangeError);
    expect(() => tree.inclusionPath(-1)).toThrow(RangeError);
    expect(() => new MerkleTree(Buffer.alloc(0))).toThrow(RangeError);
  });
});
