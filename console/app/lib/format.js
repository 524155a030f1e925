// How figures are written on screen.

export function percent(fraction, digits = 1) {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '—';
  return (fraction * 100).toFixed(digits) + ' %';
}

export function number(value, digits = 2) {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : Number(value).toFixed(digits);
}

export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

export function shortHash(hex, n = 12) {
  return hex ? `${hex.slice(0, n)}…` : '—';
}

/** The verdict words of the scorecard, and the class that colours them. */
export const VERDICTS = ['covered', 'partial', 'gap'];

export function verdictClass(verdict) {
  return VERDICTS.includes(verdict) ? `verdict verdict-${verdict}` : 'verdict';
}

export const BANDS = ['EXCELLENT', 'GOOD', 'FAIR', 'POOR', 'CRITICAL'];

/** Today as YYYY-MM-DD in UTC, and the first day of the quarter it is in. */
export function today(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

export function quarterStart(now = new Date()) {
  const month = Math.floor(now.getUTCMonth() / 3) * 3;
  return new Date(Date.UTC(now.getUTCFullYear(), month, 1)).toISOString().slice(0, 10);
}

/** The period a page shows: the URL's, else the quarter so far. */
export function period(params, now = new Date()) {
  return { from: params.from || quarterStart(now), to: params.to || today(now) };
}

/** Says what is wrong with a period, naming the field, or null. */
export function periodProblem({ from, to }) {
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (!date.test(from ?? '')) return { field: 'from', message: 'Enter the first day as YYYY-MM-DD.' };
  if (!date.test(to ?? '')) return { field: 'to', message: 'Enter the last day as YYYY-MM-DD.' };
  if (to < from) return { field: 'to', message: 'The last day must not be before the first.' };
  return null;
}
