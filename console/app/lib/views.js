// Pure view logic of the pages (tested with vitest): how API answers become rows, series and labels.

/** Label of a camelCase key: "anchorCoverage" → "anchor coverage". */
export function label(key) {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ').toLowerCase();
}

/** The scalar figures of an object (numbers, strings, booleans), in their order, for figure cards. */
export function figures(object) {
  return Object.entries(object ?? {}).filter(([, v]) => v === null || ['number', 'string', 'boolean'].includes(typeof v));
}

/** Fills the days between the first and the last of a metrics' daily series, so a chart shows gaps as gaps. */
export function dailySeries(daily, lastDays) {
  const byDate = new Map((daily ?? []).map(d => [d.date, d]));
  if (!byDate.size && !lastDays) return { days: [], rows: [] };
  const dates = [...byDate.keys()].sort();
  const end = lastDays ? new Date().toISOString().slice(0, 10) : dates.at(-1);
  const start = lastDays ? new Date(Date.parse(end) - (lastDays - 1) * 86400000).toISOString().slice(0, 10) : dates[0];
  const days = [];
  for (let t = Date.parse(start); t <= Date.parse(end); t += 86400000) days.push(new Date(t).toISOString().slice(0, 10));
  return { days, rows: days.map(d => byDate.get(d) ?? null) };
}

/** Series for the score chart: the daily average and the application's target as a flat line. */
export function scoreSeries(daily, target, lastDays) {
  const { days, rows } = dailySeries(daily, lastDays);
  const series = [{ label: 'Average governance score', axis: 'score', values: rows.map(r => (r ? r.averageScore : null)) }];
  if (target !== null && target !== undefined) series.push({ label: `Target ${target}`, values: days.map(() => target), dash: [6, 4], color: '#b91c1c' });
  return { days, series, rows };
}

/** Sessions explorer filters: only the known ones, from URL parameters, for the API query. */
export const SESSION_FILTERS = ['applicationId', 'from', 'to', 'band', 'riskLevel', 'outcome', 'model', 'reviewState', 'anchored', 'contentSafety'];

export function sessionFilters(params) {
  return Object.fromEntries(SESSION_FILTERS.filter(f => params[f]).map(f => [f, params[f]]));
}

/** The rows of an audit-log page with whether each one links to the one before (prevHash = previous hash). */
export function auditRows(entries) {
  return (entries ?? []).map((e, i, all) => ({ ...e, linked: i === 0 ? null : e.prevHash === all[i - 1].hash }));
}

/** The next poll of a running export: sooner at first, then every 3 s. */
export function pollDelay(attempt) {
  return Math.min(3000, 500 * (attempt + 1));
}
