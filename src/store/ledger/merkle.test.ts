import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT_HEX, MerkleAccumulator, appendToFrontier, frontierRoot, leafHash, nodeHash, rootOf } from './merkle.ts';

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
// The RFC 6962 leaves are not 32 bytes, so they are leaf-hashed here rather than through leafHash().
const rawLeafHash = (hex: string): Buffer => sha256(Buffer.from([0]), Buffer.from(hex, 'hex'));

// The standard RFC 6962 test tree and its roots at sizes 1..8, from transparency-dev/merkle proof/verify_test.go.
const RFC_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const RFC_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const eventHashes = fc.array(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
  { maxLength: 300 },
);

describe('merkle hashing', () => {
  it('has the RFC 6962 empty root', () => {
    expect(EMPTY_ROOT_HEX).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootOf([]).toString('hex')).toBe(EMPTY_ROOT_HEX);
    expect(frontierRoot([])).toBe(EMPTY_ROOT_HEX);
    expect(new MerkleAccumulator().root().toString('hex')).toBe(EMPTY_ROOT_HEX);
  });

  it('gives the known RFC 6962 roots for tree sizes 1..8', () => {
    const leaves = RFC_LEAVES.map(rawLeafHash);
    const acc = new MerkleAccumulator();
    RFC_ROOTS.forEach((root, i) => {
      expect(rootOf(leaves.slice(0, i + 1)).toString('hex')).toBe(root);
      acc.push(leaves[i] as Buffer);
      expect(acc.root().toString('hex')).toBe(root);
    });
  });

  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    const h = 'ab'.repeat(32);
    expect(leafHash(h)).toEqual(sha256(Buffer.from([0]), Buffer.from(h, 'hex')));
    const [l, r] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    expect(nodeHash(l, r)).toEqual(sha256(Buffer.from([1]), l, r));
  });

  it('refuses an event hash that is not 64 hex characters', () => {
    for (const bad of ['', 'ab'.repeat(31), 'ab'.repeat(33), 'zz'.repeat(32), `${'ab'.repeat(31)}a `]) {
      expect(() => leafHash(bad)).toThrow(TypeError);
    }
  });

  it('refuses a frontier that does not match its size', () => {
    const leaf = leafHash('00'.repeat(32)).toString('hex');
    expect(() => appendToFrontier([], 1, leaf)).toThrow(RangeError);
    expect(() => appendToFrontier([leaf], 3, leaf)).toThrow(RangeError);
    expect(() => appendToFrontier([leaf], -1, leaf)).toThrow(RangeError);
  });

  it('frontier folding, MerkleAccumulator and rootOf agree on every tree', () => {
    fc.assert(
      fc.property(eventHashes, (hashes) => {
        const leaves = hashes.map(leafHash);
        const acc = new MerkleAccumulator();
        let frontier: string[] = [];
        leaves.forEach((leaf, size) => {
          frontier = appendToFrontier(frontier, size, leaf.toString('hex'));
          acc.push(leaf);
        });
        const root = rootOf(leaves).toString('hex');
        expect(frontierRoot(frontier)).toBe(root);
        expect(acc.root().toString('hex')).toBe(root);
        expect(acc.size).toBe(leaves.length);
        expect(acc.frontierHex()).toEqual(frontier);
        // One perfect subtree per set bit of the size.
        expect(frontier.length).toBe(leaves.length.toString(2).replaceAll('0', '').length);
      }),
      { numRuns: 100 },
    );
  });

  it('appendToFrontier does not mutate its input', () => {
    const leaf = leafHash('11'.repeat(32)).toString('hex');
    const one = appendToFrontier([], 0, leaf);
    const copy = [...one];
    appendToFrontier(one, 1, leaf);
    expect(one).toEqual(copy);
  });
});
