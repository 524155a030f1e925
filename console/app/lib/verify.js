// "Verify in this browser": recomputes a session's leaf hash from its record and folds the audit
// path to the anchored root, trusting nothing the server computed (SPEC §6.1, §6.2).
import { canonicalize } from './jcs.js';
import { leafHash, toHex, verifyInclusion } from './merkle.js';

/**
 * @param {string} recordText the record as JSON text (what the user sees and may edit)
 * @param {{leafIndex:number, treeSize:number, auditPath:string[], root:string}} proof the inclusion proof
 * @param {string} [claimedLeafHash] the leaf hash on the receipt, only shown beside the computed one
 */
export async function verifySession(recordText, proof, claimedLeafHash) {
  const result = { verified: false, canonical: null, bytes: 0, leafHash: null, leafHashMatchesReceipt: null,
    steps: [], computedRoot: null, root: proof?.root ?? null, reason: null };
  let record;
  try {
    record = JSON.parse(recordText);
  } catch (e) {
    result.reason = `the record is not valid JSON: ${e.message}`;
    return result;
  }
  try {
    result.canonical = canonicalize(record);
  } catch (e) {
    result.reason = e.message;
    return result;
  }
  const bytes = new TextEncoder().encode(result.canonical);
  result.bytes = bytes.length;
  result.leafHash = toHex(await leafHash(bytes));
  if (claimedLeafHash) result.leafHashMatchesReceipt = claimedLeafHash.toLowerCase() === result.leafHash;
  if (!proof) {
    result.reason = 'the session is not anchored yet: there is no proof to fold';
    return result;
  }
  const folded = await verifyInclusion(result.leafHash, proof);
  result.steps = folded.steps;
  result.computedRoot = folded.computedRoot;
  result.verified = folded.verified;
  result.reason = folded.reason;
  return result;
}
