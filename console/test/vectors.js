// The test vectors functions/core's Java tests use (CanonicalTest, MerkleTreeTest): one file, two languages.
import { readFileSync } from 'node:fs';

export function vectors(name) {
  const url = new URL(`../../functions/core/src/test/resources/vectors/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}
