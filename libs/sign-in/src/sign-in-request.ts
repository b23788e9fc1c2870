import type { AuthorizationChecks } from './oidc-client';

/**
 * A sign-in in progress, between /auth/login and /auth/callback. It travels in a short-lived
 * HttpOnly cookie limited to the callback path, named after its `state`, so that only the browser
 * that started the sign-in can finish it (no login CSRF) and several tabs may sign in at once.
 * It holds no secret of the server: the PKCE verifier and nonce belong to this one attempt.
 */
export interface SignInRequest extends AuthorizationChecks {
  returnTo: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** How long a sign-in may take at the issuer. */
export const SIGN_IN_REQUEST_TTL_MS = 10 * 60_000;
export const SIGN_IN_COOKIE_PATH = '/auth/callback';
const PREFIX = 'eakte_signin_';

/** The cookie of the sign-in with this state. */
export function signInCookieName(state: string): string {
  return `${PREFIX}${state.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 16)}`;
}

export function encodeSignInRequest(r: SignInRequest): string {
  return Buffer.from(JSON.stringify([r.state, r.nonce, r.codeVerifier, r.returnTo, r.expiresAt])).toString('base64url');
}

/** The request a cookie holds, or undefined when it is malformed. */
export function decodeSignInRequest(value: string | undefined): SignInRequest | undefined {
  if (!value) return undefined;
  try {
    const a: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(a) || a.length !== 5 || !a.slice(0, 4).every((v) => typeof v === 'string' && v.length > 0 && v.length <= 4096) || typeof a[4] !== 'number') return undefined;
    return { state: a[0], nonce: a[1], codeVerifier: a[2], returnTo: safeReturnTo(a[3]), expiresAt: a[4] };
  } catch {
    return undefined;
  }
}

/**
 * Where to go after signing in: only a path of this origin (one leading `/`, no scheme, no host,
 * no backslash, no control characters); anything else becomes `/`.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return '/';
  try {
    const base = 'http://eakte.invalid';
    const url = new URL(value, base);
    if (url.origin !== base) return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}

/** A login hint as passed to the issuer: a user name, not markup or a URL. */
export function safeLoginHint(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\p{L}\p{N}._@+-]{1,128}$/u.test(value) ? value : undefined;
}
