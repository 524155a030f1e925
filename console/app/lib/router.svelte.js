// Hash routing: #/page/id?filters. Everything a view shows is in the URL, so a link reproduces it;
// the API key never is.

export const PAGES = [
  { id: 'overview', label: 'Overview' },
  { id: 'frameworks', label: 'Frameworks' },
  { id: 'gaps', label: 'Gap analysis' },
  { id: 'applications', label: 'Applications' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'review-queue', label: 'Review queue' },
  { id: 'audit-log', label: 'Audit log' },
  { id: 'exports', label: 'Evidence exports' },
];

/** {page, id, params} of a location hash such as "#/sessions/abc?band=GOOD". */
export function parseHash(hash) {
  const text = (hash ?? '').replace(/^#\/?/, '');
  const [path, search = ''] = text.split('?', 2);
  const [page, ...rest] = path.split('/').filter(Boolean);
  const known = PAGES.some(p => p.id === page);
  return {
    page: known ? page : 'overview',
    id: known && rest.length ? decodeURIComponent(rest.join('/')) : null,
    params: Object.fromEntries(new URLSearchParams(search)),
  };
}

export function href(page, id, params = {}) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const q = search.toString();
  return `#/${page}${id ? '/' + encodeURIComponent(id) : ''}${q ? '?' + q : ''}`;
}

export const route = $state(parseHash(typeof location === 'undefined' ? '' : location.hash));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => Object.assign(route, parseHash(location.hash)));
}

/** Changes the URL (and so the view) to other filters of the same page. */
export function navigate(page, id, params) {
  location.hash = href(page, id, params);
}
