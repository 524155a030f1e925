// RFC 9162 §2.1 Merkle tree hashing and inclusion-proof verification with WebCrypto SHA-256
// (SPEC §6.1, §6.2). Runs in the browser and under Node (globalThis.crypto.subtle).

const HEX64 = /^[0-9a-fA-F]{64}$/;

export function toHex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error(`not a hex string: ${String(hex).slice(0, 80)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
}

function concat(prefix, ...parts) {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = prefix;
  let at = 1;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SHA-256(0x00 ‖ data): the hash of a leaf. */
export async function leafHash(data) {
  return sha256(concat(0x00, data));
}

/** SHA-256(0x01 ‖ left ‖ right): the hash of an inner node. */
export async function nodeHash(left, right) {
  return sha256(concat(0x01, left, right));
}

/**
 * Folds an RFC 9162 §2.1.3.2 audit path from a leaf hash to a root, and says each step.
 * Never throws on a malformed proof: the answer says why it does not verify.
 *
 * @returns {Promise<{verified: boolean, computedRoot: string|null, steps: Array<{n: number, side: string, sibling: string, result: string}>, reason: string|null}>}
 */
export async function verifyInclusion(leafHashHex, proof) {
  const steps = [];
  const fail = (reason, computedRoot = null) => ({ verified: false, computedRoot, steps, reason });
  const { leafIndex, treeSize, auditPath, root } = proof ?? {};
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || treeSize < 1) {
    return fail('the proof needs a whole leafIndex ≥ 0 and treeSize ≥ 1');
  }
  if (leafIndex >= treeSize) return fail(`leaf index ${leafIndex} is outside a tree of ${treeSize}`);
  if (!HEX64.test(leafHashHex ?? '')) return fail('the leaf hash is not 64 hex digits');
  if (!HEX64.test(root ?? '')) return fail('the root is not 64 hex digits');
  if (!Array.isArray(auditPath) || !auditPath.every(p => HEX64.test(p ?? ''))) {
    return fail('every audit path element must be 64 hex digits');
  }

  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = fromHex(leafHashHex);
  for (const [i, p] of auditPath.entries()) {
    if (sn === 0) return fail(`the audit path is longer than a tree of ${treeSize} allows`, toHex(r));
    const sibling = fromHex(p);
    let side;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(sibling, r);
      side = 'left';
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, sibling);
      side = 'right';
    }
    steps.push({ n: i + 1, side, sibling: p.toLowerCase(), result: toHex(r) });
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  const computedRoot = toHex(r);
  if (sn !== 0) return fail(`the audit path is shorter than a tree of ${treeSize} needs`, computedRoot);
  if (computedRoot !== root.toLowerCase()) {
    return fail('the folded root differs from the anchored root', computedRoot);
  }
  return { verified: true, computedRoot, steps, reason: null };
}
