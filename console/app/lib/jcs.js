// RFC 8785 JSON Canonicalization Scheme, the form the leaf hash is computed over (SPEC §6.1).
// ECMAScript's own number and string serialization is what RFC 8785 prescribes, so JSON.stringify
// does the scalars; this adds the key order (UTF-16 code units) and the checks JSON.stringify skips.

/** The canonical JSON text of a parsed JSON value. Throws on values JSON cannot represent. */
export function canonicalize(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`RFC 8785 has no form for the number ${value}`);
      return JSON.stringify(value); // ECMAScript Number::toString; -0 becomes 0
    case 'string':
      if (!value.isWellFormed()) throw new Error('RFC 8785 has no form for a string with a lone surrogate');
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) return '[' + value.map(canonicalize).join(',') + ']';
      return '{' + Object.keys(value)
        .sort() // Array.prototype.sort compares strings by UTF-16 code units, as RFC 8785 §3.2.3 asks
        .map(key => canonicalize(key) + ':' + canonicalize(value[key]))
        .join(',') + '}';
    default:
      throw new Error(`not a JSON value: ${typeof value}`);
  }
}

/** The canonical form as UTF-8 bytes. */
export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalize(value));
}
