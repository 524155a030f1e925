import { describe, expect, test } from 'vitest';
import { fromHex, leafHash, nodeHash, toHex, verifyInclusion } from '../app/lib/merkle.js';
import { vectors } from './vectors.js';

const V = vectors('rfc9162.json');

const flipLastBit = hex => hex.slice(0, -1) + (parseInt(hex.slice(-1), 16) ^ 1).toString(16);

describe('RFC 9162 hashing, against the Java code\'s vectors', () => {
  test('leaf hashes of the reference entries', async () => {
    const hashes = await Promise.all(V.entries.map(async e => toHex(await leafHash(fromHex(e)))));
    expect(hashes).toEqual(V.leafHashes);
  });

  test('the empty-input leaf and a node hash', async () => {
    expect(toHex(await leafHash(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const [a, b] = V.leafHashes.map(fromHex);
    expect(toHex(await nodeHash(a, b))).toBe(V.roots.find(r => r.treeSize === 2).root);
  });
});

describe('an inclusion proof folds to its root', () => {
  test.each(V.proofs.map(p => [p.leafIndex, p.treeSize, p]))('leaf %i of %i', async (_, __, p) => {
    const result = await verifyInclusion(p.leafHash, p);
    expect(result.reason).toBeNull();
    expect(result.verified).toBe(true);
    expect(result.computedRoot).toBe(p.root);
    expect(result.steps).toHaveLength(p.auditPath.length);
    if (p.auditPath.length) expect(result.steps.at(-1).result).toBe(p.root);
  });

  test('each step says which side the sibling is on and what it folds to', async () => {
    const p = V.proofs.find(v => v.treeSize === 5 && v.leafIndex === 4);
    const result = await verifyInclusion(p.leafHash, p);
    // leaf 4 of 5 is the right child of the root: one step, the left sibling being the first four leaves' root
    expect(result.steps).toEqual([{ n: 1, side: 'left', sibling: V.roots.find(r => r.treeSize === 4).root, result: p.root }]);
  });
});

describe('nothing else verifies', () => {
  const nontrivial = V.proofs.filter(p => p.auditPath.length > 0);

  test.each(nontrivial.map(p => [p.leafIndex, p.treeSize, p]))('leaf %i of %i: a changed leaf, index, root or path fails', async (_, __, p) => {
    const other = V.leafHashes[(p.leafIndex + 1) % V.leafHashes.length];
    expect((await verifyInclusion(other, p)).verified).toBe(false);
    expect((await verifyInclusion(p.leafHash, { ...p, leafIndex: (p.leafIndex + 1) % p.treeSize })).verified).toBe(false);
    expect((await verifyInclusion(p.leafHash, { ...p, root: flipLastBit(p.root) })).reason).toMatch(/differs from the anchored root/);
    const tampered = p.auditPath.map((h, i) => (i === p.leafIndex % p.auditPath.length ? flipLastBit(h) : h));
    expect((await verifyInclusion(p.leafHash, { ...p, auditPath: tampered })).verified).toBe(false);
    expect((await verifyInclusion(p.leafHash, { ...p, auditPath: p.auditPath.slice(0, -1) })).reason).toMatch(/shorter|differs/);
    expect((await verifyInclusion(p.leafHash, { ...p, auditPath: [...p.auditPath, p.root] })).reason).toMatch(/longer/);
  });

  test('malformed proofs are refused with a reason, not an exception', async () => {
    const p = V.proofs.find(v => v.treeSize === 8 && v.leafIndex === 3);
    const cases = [
      [{ ...p, leafIndex: 8 }, /outside a tree of 8/],
      [{ ...p, leafIndex: -1 }, /leafIndex/],
      [{ ...p, treeSize: 0 }, /treeSize/],
      [{ ...p, leafIndex: 0.5 }, /leafIndex/],
      [{ ...p, root: 'not hex' }, /root/],
      [{ ...p, auditPath: [p.auditPath[0], 'zz'] }, /audit path/],
      [{ ...p, auditPath: 'x' }, /audit path/],
      [null, /leafIndex/],
    ];
    for (const [proof, reason] of cases) {
      const result = await verifyInclusion(p.leafHash, proof);
      expect(result.verified).toBe(false);
      expect(result.reason).toMatch(reason);
    }
    expect((await verifyInclusion('ab'.repeat(31), p)).reason).toMatch(/leaf hash/);
  });

  test('a one-leaf tree proves its only leaf with an empty path', async () => {
    const p = V.proofs.find(v => v.treeSize === 1);
    expect(p.auditPath).toEqual([]);
    expect((await verifyInclusion(p.leafHash, p)).verified).toBe(true);
  });
});
