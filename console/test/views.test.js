import { describe, expect, test } from 'vitest';
import { ApiError, api, query, toApiError } from '../app/lib/api.js';
import { period, periodProblem, percent, quarterStart, verdictClass } from '../app/lib/format.js';
import { auditRows, dailySeries, figures, label, pollDelay, scoreSeries, sessionFilters } from '../app/lib/views.js';
import { verifySession } from '../app/lib/verify.js';
import { vectors } from './vectors.js';

describe('API answers become errors a page can place', () => {
  test('the error body names code, message and field', () => {
    const e = toApiError(400, { error: { code: 'invalid_value', message: 'to must not be before from', field: '$.to' } }, 'POST', '/v1/exports');
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message, e.field, e.notAvailable]).toEqual([400, 'invalid_value', 'to must not be before from', '$.to', false]);
  });

  test("the gateway's bare 404 means the route is not on this API; an API 404 does not", () => {
    const missing = toApiError(404, { message: 'Not Found' }, 'GET', '/v1/overview?days=30');
    expect(missing.notAvailable).toBe(true);
    expect(missing.message).toBe("GET /v1/overview is not on this deployment's API.");
    expect(toApiError(404, { error: { code: 'not_found', message: 'Session x not found' } }, 'GET', '/v1/sessions/x').notAvailable).toBe(false);
    expect(toApiError(502, null, 'GET', '/v1/x').code).toBe('http_502');
  });

  test('requests carry the key in X-API-Key and JSON bodies; failures throw the API error', async () => {
    const seen = [];
    const fetchImpl = async (path, init) => {
      seen.push({ path, init });
      return path === '/v1/exports'
        ? new Response(JSON.stringify({ error: { code: 'invalid_value', message: 'bad', field: '$.from' } }), { status: 400 })
        : new Response(JSON.stringify({ ok: true }), { status: 200 });
    };
    expect(await api('GET', '/v1/whoami', undefined, { key: 'vp_admin_k', fetchImpl })).toEqual({ ok: true });
    expect(seen[0].init.headers['X-API-Key']).toBe('vp_admin_k');
    expect(seen[0].init.body).toBeUndefined();
    await expect(api('POST', '/v1/exports', { from: 'x' }, { key: 'k', fetchImpl })).rejects.toMatchObject({ field: '$.from', status: 400 });
    expect(seen[1].init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(seen[1].init.body)).toEqual({ from: 'x' });
    await expect(api('GET', '/v1/x', undefined, { key: 'k', fetchImpl: async () => { throw new TypeError('offline'); } }))
      .rejects.toMatchObject({ code: 'network' });
  });

  test('query strings hold only the filled-in fields', () => {
    expect(query({ from: '2026-01-01', to: '', band: null, limit: 50, x: undefined })).toBe('?from=2026-01-01&limit=50');
    expect(query({})).toBe('');
  });
});

describe('periods', () => {
  const now = new Date('2026-11-30T10:00:00Z');
  test('default to the quarter so far, else the URL\'s', () => {
    expect(quarterStart(now)).toBe('2026-10-01');
    expect(period({}, now)).toEqual({ from: '2026-10-01', to: '2026-11-30' });
    expect(period({ from: '2026-07-01', to: '2026-09-30' }, now)).toEqual({ from: '2026-07-01', to: '2026-09-30' });
  });
  test('a wrong period names the field that is wrong', () => {
    expect(periodProblem({ from: '2026-07-01', to: '2026-09-30' })).toBeNull();
    expect(periodProblem({ from: '07/01/2026', to: '2026-09-30' }).field).toBe('from');
    expect(periodProblem({ from: '2026-07-01', to: '' }).field).toBe('to');
    expect(periodProblem({ from: '2026-09-30', to: '2026-07-01' })).toEqual({ field: 'to', message: 'The last day must not be before the first.' });
  });
});

describe('figures, charts and tables', () => {
  test('verdicts, percentages and labels', () => {
    expect(verdictClass('gap')).toBe('verdict verdict-gap');
    expect(verdictClass('unknown')).toBe('verdict');
    expect(percent(0.9213)).toBe('92.1 %');
    expect(percent(null)).toBe('—');
    expect(label('humanOversightCoverage')).toBe('human oversight coverage');
    expect(figures({ a: 1, b: 'x', c: [1], d: { e: 1 }, f: null })).toEqual([['a', 1], ['b', 'x'], ['f', null]]);
  });

  test('a daily series keeps missing days as gaps, and the target is a flat line', () => {
    const daily = [{ date: '2026-11-01', averageScore: 80 }, { date: '2026-11-03', averageScore: 70 }];
    expect(dailySeries(daily).days).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    const chart = scoreSeries(daily, 75);
    expect(chart.series[0].values).toEqual([80, null, 70]);
    expect(chart.series[1]).toMatchObject({ label: 'Target 75', values: [75, 75, 75] });
    expect(scoreSeries([], null).series).toHaveLength(1);
    expect(scoreSeries(daily, 75, 7).days).toHaveLength(7);
  });

  test('explorer filters: only the known ones go to the API', () => {
    expect(sessionFilters({ band: 'GOOD', applicationId: 'a', cursor: 'c', evil: 'x', model: '' })).toEqual({ applicationId: 'a', band: 'GOOD' });
  });

  test('audit rows say whether each entry links to the one before', () => {
    const rows = auditRows([{ seq: 1, hash: 'a', prevHash: '0' }, { seq: 2, hash: 'b', prevHash: 'a' }, { seq: 3, hash: 'c', prevHash: 'x' }]);
    expect(rows.map(r => r.linked)).toEqual([null, true, false]);
  });

  test('polling a running export backs off to every 3 seconds', () => {
    expect([0, 1, 5, 50].map(pollDelay)).toEqual([500, 1000, 3000, 3000]);
  });
});

describe('Verify in this browser, end to end on a record', () => {
  // a one-leaf tree: the proof's root is the record's own leaf hash
  const record = { sessionId: 's-1', applicationId: 'loan-review', startedAt: '2026-11-20T10:15:00Z', decision: { outcome: 'APPROVED', confidence: 0.82 } };
  const text = JSON.stringify(record, null, 2);

  test('the record as shown verifies, whatever its layout', async () => {
    const first = await verifySession(text, { leafIndex: 0, treeSize: 1, auditPath: [], root: '00'.repeat(32) });
    const proof = { leafIndex: 0, treeSize: 1, auditPath: [], root: first.leafHash };
    const result = await verifySession(JSON.stringify(record), proof, first.leafHash);
    expect(result.verified).toBe(true);
    expect(result.leafHashMatchesReceipt).toBe(true);
    expect(result.canonical).toBe('{"applicationId":"loan-review","decision":{"confidence":0.82,"outcome":"APPROVED"},"sessionId":"s-1","startedAt":"2026-11-20T10:15:00Z"}');
  });

  test('a changed record, invalid JSON or a missing proof fail with the reason', async () => {
    const good = await verifySession(text, { leafIndex: 0, treeSize: 1, auditPath: [], root: '00'.repeat(32) });
    const proof = { leafIndex: 0, treeSize: 1, auditPath: [], root: good.leafHash };
    const tampered = await verifySession(text.replace('APPROVED', 'DENIED'), proof, good.leafHash);
    expect(tampered.verified).toBe(false);
    expect(tampered.leafHashMatchesReceipt).toBe(false);
    expect(tampered.reason).toMatch(/differs from the anchored root/);
    expect((await verifySession('{"a":', proof)).reason).toMatch(/not valid JSON/);
    expect((await verifySession(text, null)).reason).toMatch(/not anchored yet/);
  });

  test('a reference proof from the shared vectors folds through verifySession too', async () => {
    const V = vectors('rfc9162.json');
    const p = V.proofs.find(v => v.treeSize === 7 && v.leafIndex === 6);
    const result = await verifySession('{}', p);
    expect(result.verified).toBe(false); // '{}' is not that leaf
    expect(result.steps).toHaveLength(p.auditPath.length);
  });
});
