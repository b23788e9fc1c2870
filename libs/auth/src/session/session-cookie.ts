import type { CookieOptions } from 'express';

/** The browser session cookie: a random 256-bit token (base64url); the server keeps its SHA-256. */
export const SESSION_COOKIE = 'eakte_session';
/** The header a cookie-authenticated request changing state must carry (the session's CSRF token). */
export const CSRF_HEADER = 'x-csrf-token';

/** Reads one cookie from a `Cookie` header (no cookie parser middleware is installed). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** HttpOnly, SameSite=Lax, Path=/; Secure on https requests or when configured. */
export function sessionCookieOptions(secure: boolean, maxAgeMs?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure, ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}) };
}
