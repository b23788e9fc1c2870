import { api, ApiRequest, withQuery } from './api-client';

/**
 * Answers fetched before the screen that needs them has loaded: when the page is opened at a
 * screen's URL, its first requests start while its chunk is still downloading (see lazyScreen).
 * Each answer is taken once and only while fresh; a failed prefetch falls back to a normal request.
 */
const FRESH_MS = 10_000;
const answers = new Map<string, { at: number; value: Promise<unknown> }>();

export function prefetchJson(path: string, query?: ApiRequest['query']): void {
  const url = withQuery(path, query);
  if (answers.has(url)) return;
  const value = api<unknown>(url, { quiet401: true });
  value.catch(() => undefined);
  answers.set(url, { at: Date.now(), value });
}

/** GET `path`: the prefetched answer if there is a fresh one, else a request. */
export function apiOrPrefetched<T>(path: string, req: ApiRequest = {}): Promise<T> {
  const url = withQuery(path, req.query);
  const hit = answers.get(url);
  answers.delete(url);
  if (hit && Date.now() - hit.at <= FRESH_MS && !req.signal) return (hit.value as Promise<T>).catch(() => api<T>(path, req));
  return api<T>(path, req);
}
