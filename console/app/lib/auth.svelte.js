// Who is signed in: the key's tenant, role and application scope as GET /v1/whoami answers them.
// The role decides what the console offers; the API enforces it regardless.
import { ApiError, get, keyStore } from './api.js';

export const auth = $state({ whoami: null, restoring: true });

export const isAdmin = () => auth.whoami?.role === 'admin';

/** Checks a key with the API and keeps it in this tab only; an error names what is wrong with it. */
export async function signIn(key) {
  const trimmed = (key ?? '').trim();
  if (!trimmed) throw new ApiError(400, 'missing_field', 'Enter an API key.', 'apiKey');
  let whoami;
  try {
    whoami = await get('/v1/whoami', { key: trimmed });
  } catch (e) {
    if (e.status === 401) throw new ApiError(401, e.code, 'This API key is not valid: it is unknown or has been revoked.', 'apiKey');
    throw e;
  }
  if (whoami.role === 'ingest') {
    throw new ApiError(403, 'forbidden', 'An ingest key can only send sessions; sign in with an admin or auditor key.', 'apiKey');
  }
  keyStore.set(trimmed);
  auth.whoami = whoami;
}

export async function restore() {
  const key = keyStore.get();
  try {
    if (key) auth.whoami = await get('/v1/whoami', { key });
  } catch {
    keyStore.clear();
  } finally {
    auth.restoring = false;
  }
}

export function signOut() {
  keyStore.clear();
  auth.whoami = null;
}
