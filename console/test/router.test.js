import { expect, test } from 'vitest';
import { PAGES, href, parseHash } from '../app/lib/router.svelte.js';

test('the navigation names are the ones the documentation and tests rely on', () => {
  expect(PAGES.map(p => p.label)).toEqual(['Overview', 'Frameworks', 'Gap analysis', 'Applications', 'Sessions', 'Alerts',
    'Review queue', 'Audit log', 'Evidence exports']);
});

test('a link reproduces a view: page, id and filters round-trip through the hash', () => {
  const link = href('sessions', 'loan 7/1', { band: 'GOOD', applicationId: 'loan-review', empty: '', none: null });
  expect(link).toBe('#/sessions/loan%207%2F1?band=GOOD&applicationId=loan-review');
  expect(parseHash(link)).toEqual({ page: 'sessions', id: 'loan 7/1', params: { band: 'GOOD', applicationId: 'loan-review' } });
});

test('an unknown or empty hash shows the overview', () => {
  expect(parseHash('')).toEqual({ page: 'overview', id: null, params: {} });
  expect(parseHash('#/nowhere/x?y=1')).toEqual({ page: 'overview', id: null, params: { y: '1' } });
  expect(parseHash('#/gaps?control=8.2%3B%20A.2.2')).toEqual({ page: 'gaps', id: null, params: { control: '8.2; A.2.2' } });
});
