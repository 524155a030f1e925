import { describe, expect, test } from 'vitest';
import { canonicalBytes, canonicalize } from '../app/lib/jcs.js';
import { toHex } from '../app/lib/merkle.js';
import { vectors } from './vectors.js';

const V = vectors('rfc8785.json');

describe('RFC 8785 canonical JSON, against the Java code\'s vectors', () => {
  test.each(V.documents.map(d => [d.name, d]))('%s', (_, d) => {
    const value = JSON.parse(d.input);
    if (d.canonicalUtf8Hex) expect(toHex(canonicalBytes(value))).toBe(d.canonicalUtf8Hex);
    else expect(canonicalize(value)).toBe(d.canonical);
  });

  test.each(V.numbers.map(n => [n.input, n.canonical]))('number %s is written %s', (input, canonical) => {
    expect(canonicalize(JSON.parse(input))).toBe(canonical);
  });

  test.each(V.ieee754.map(n => [n.bits, n.canonical]))('IEEE 754 %s is written %s', (bits, canonical) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt('0x' + bits));
    expect(canonicalize(view.getFloat64(0))).toBe(canonical);
  });
});

describe('what RFC 8785 cannot represent is refused, never silently written', () => {
  test('NaN and infinities', () => {
    expect(() => canonicalize(NaN)).toThrow(/no form/);
    expect(() => canonicalize({ a: [Infinity] })).toThrow(/no form/);
  });

  test('a string with a lone surrogate has no UTF-8 form', () => {
    expect(() => canonicalize('x\ud800y')).toThrow(/lone surrogate/);
    expect(() => canonicalize({ ['k\udc00']: 1 })).toThrow(/lone surrogate/);
    expect(canonicalize('x?y')).toBe('"x?y"');
  });

  test('values that are not JSON', () => {
    expect(() => canonicalize(undefined)).toThrow(/not a JSON value/);
    expect(() => canonicalize({ f: () => 1 })).toThrow(/not a JSON value/);
  });
});

test('the canonical form ignores key order and whitespace and is idempotent', () => {
  const a = JSON.parse('{"b": {"y": [1, 2, {"q": null, "p": true}], "x": "é"}, "a": 1.50}');
  const b = JSON.parse('{ "a":1.5,"b":{"x":"\\u00e9","y":[1,2,{"p":true,"q":null}]}}');
  const canonical = canonicalize(a);
  expect(canonical).toBe('{"a":1.5,"b":{"x":"é","y":[1,2,{"p":true,"q":null}]}}');
  expect(canonicalize(b)).toBe(canonical);
  expect(canonicalize(JSON.parse(canonical))).toBe(canonical);
});
