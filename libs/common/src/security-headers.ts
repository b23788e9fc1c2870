import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of every response (the web application, the API, errors): only the
 * service's own scripts, styles, fonts and workers; no inline script or style, no eval, no
 * plugins, no framing. `data:`/`blob:` images serve the design system's icons (CSS masks) and the
 * PDF viewer's canvases; `blob:` workers the PDF viewer. Document content has a stricter policy of
 * its own (`sandbox; default-src 'none'`, set by its route).
 */
export const APP_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'frame-src': ["'none'"],
} as const;

/** OpenAPI's Swagger UI carries an inline stylesheet: allowed there only. */
const DOCS_PATH = /^\/api\/docs(\/|$)/;

const headers = (styleSrc: string[]) =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...APP_CSP_DIRECTIVES, 'style-src': styleSrc },
    },
    // the service is often reached over plain HTTP on loopback in development: never rewrite to https
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });

/** nosniff, frame denial, referrer and CSP headers on every response. */
export function securityHeaders(): RequestHandler {
  const app = headers([...APP_CSP_DIRECTIVES['style-src']]);
  const docs = headers(["'self'", "'unsafe-inline'"]);
  return (req, res, next) => (DOCS_PATH.test(req.path) ? docs : app)(req, res, next);
}
