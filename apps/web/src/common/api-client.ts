/**
 * The browser's only way to the service: same origin, session cookie, CSRF header on every
 * changing request, and the service's error body `{ error: { code, message, details } }` turned
 * into an ApiError the screens show as a message (never a blank screen).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
/** Set by the session provider from GET /api/v1/session. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNAUTHENTICATED_EVENT = 'eakte:unauthenticated';
/** Fired when the service answers 401 to a request: the session provider sends the user to sign-in. */
export function onUnauthenticated(listener: () => void): () => void {
  window.addEventListener(UNAUTHENTICATED_EVENT, listener);
  return () => window.removeEventListener(UNAUTHENTICATED_EVENT, listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** JSON body. */
  json?: unknown;
  /** Multipart or other raw body. */
  body?: BodyInit;
  signal?: AbortSignal;
  /** Answer 401 without sending the user to sign-in (the session probe). */
  quiet401?: boolean;
}

function headersFor(method: string, hasJson: boolean): Headers {
  const headers = new Headers({ Accept: 'application/json' });
  if (hasJson) headers.set('Content-Type', 'application/json');
  if (method !== 'GET' && csrfToken) headers.set('X-CSRF-Token', csrfToken);
  return headers;
}

export async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = `Http${res.status}`;
  let message = res.statusText;
  let details: unknown;
  try {
    const body = await res.json();
    if (body?.error) ({ code = code, message = message, details } = body.error);
  } catch {
    /* no JSON body */
  }
  return new ApiError(res.status, code, message, details);
}

/** Calls the service and returns its JSON answer (undefined for 204). */
export async function api<T>(path: string, req: ApiRequest = {}): Promise<T> {
  const method = req.method ?? 'GET';
  let res: Response;
  try {
    res = await fetch(withQuery(path, req.query), {
      method,
      credentials: 'same-origin',
      headers: headersFor(method, req.json !== undefined),
      body: req.json !== undefined ? JSON.stringify(req.json) : req.body,
      signal: req.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NetworkError', (e as Error).message);
  }
  if (!res.ok) {
    const err = await errorFromResponse(res);
    if (res.status === 401 && !req.quiet401) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? res.json() : res.text()) as Promise<T>;
}

/** Fetches binary content (documents for the viewer). */
export async function apiBinary(path: string, query?: Query, signal?: AbortSignal): Promise<ArrayBuffer> {
  const res = await fetch(withQuery(path, query), { credentials: 'same-origin', signal });
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    throw await errorFromResponse(res);
  }
  return res.arrayBuffer();
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Multipart upload with progress (fetch has no upload progress), same CSRF and error rules. */
export function apiUpload<T>(path: string, form: FormData, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.onerror = () => reject(new ApiError(0, 'NetworkError', 'network error'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    xhr.onload = () => {
      let body: any;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      if (xhr.status === 401) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
      const e = body?.error ?? {};
      reject(new ApiError(xhr.status, e.code ?? `Http${xhr.status}`, e.message ?? xhr.statusText, e.details));
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
