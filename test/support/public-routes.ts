/**
 * Routes that are public on purpose and write no audit event (besides /health and /api/docs):
 * the start of a browser sign-in (it only redirects to the issuer) and what the sign-in page
 * offers. Their behaviour is tested in test/sign-in.e2e-spec.ts.
 */
export const PUBLIC_WITHOUT_AUDIT = ['GET /auth/login', 'GET /api/v1/session/options'];
