// The console's one way to the API: same origin, the key in the X-API-Key header, errors as the
// API's error body ({"error": {"code", "message", "field"}}) turned into an ApiError.

const KEY = 'veriproof.apiKey';

/** The API key lives in this tab's session storage only: never in a URL, a cookie or local storage. */
export const keyStore = {
  get: () => sessionStorage.getItem(KEY),
  set: key => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, code, message, field, path) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field ?? null;
    this.path = path;
  }

  /** The gateway knows no such route: this deployment's API does not offer it (yet). */
  get notAvailable() {
    return this.code === 'route_not_available';
  }
}

/** Reads an answer's body into an ApiError; a route the gateway does not know has no error body. */
export function toApiError(status, body, method, path) {
  const error = body && typeof body === 'object' ? body.error : null;
  if (error && typeof error === 'object') {
    return new ApiError(status, error.code ?? 'error', error.message ?? `HTTP ${status}`, error.field, path);
  }
  if (status === 404) {
    return new ApiError(404, 'route_not_available', `${method} ${path.split('?')[0]} is not on this deployment's API.`, null, path);
  }
  return new ApiError(status, 'http_' + status, `The API answered HTTP ${status}.`, null, path);
}

export async function api(method, path, body, { key = keyStore.get(), fetchImpl = globalThis.fetch } = {}) {
  const headers = { Accept: 'application/json' };
  if (key) headers['X-API-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetchImpl(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'The API could not be reached. Check the connection and try again.', null, path);
  }
  const text = await response.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) throw toApiError(response.status, parsed, method, path);
  return parsed;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body ?? {}, options);
export const put = (path, body, options) => api('PUT', path, body, options);
export const patch = (path, body, options) => api('PATCH', path, body, options);

/** A query string from the filled-in fields only, in a stable order. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? '?' + text : '';
}
