// The API, called with the key held in this tab's session storage (never in a URL, never logged).

const KEY = 'nudge.apiKey';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  /** Forgets the key and every unsaved draft this tab kept. */
  signOut: () => Object.keys(sessionStorage).filter((k) => k.startsWith('nudge.')).forEach((k) => sessionStorage.removeItem(k)),
};

/** A failed call: the HTTP status and the API's error, if it sent one. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error && error.message ? error.message : `the API answered ${status}`);
    this.status = status;
    this.code = error ? error.code : undefined;
    this.field = error ? error.field : undefined;
  }
}

/** GET path with the given key (default: the session's); the parsed JSON, or throws ApiError. */
export async function get(path, key = session.key()) {
  return send('GET', path, undefined, key);
}

/** A request with an optional JSON body; the parsed JSON answer (null for 204), or throws ApiError. */
export async function send(method, path, body, key = session.key()) {
  const headers = { Authorization: `Bearer ${key}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null; // 204, or not JSON
  }
  if (!response.ok) throw new ApiError(response.status, answer && answer.error);
  return answer;
}

/** Like get, but a 404 is null. */
export async function find(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** A path with its query: parameters that are empty are left out, the rest encoded. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** Path segments are encoded: an id may hold any printable character. */
export const seg = encodeURIComponent;

/** Checks a key against an admin route: 'ok', 'invalid' (401) or 'not-admin' (403). */
export async function check(key) {
  try {
    await get('/v1/keys', key);
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return 'invalid';
    if (e instanceof ApiError && e.status === 403) return 'not-admin';
    throw e;
  }
}
