import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, ApiError, onUnauthenticated, setCsrfToken } from './api-client';

/** The signed-in person as the service sees them (from GET /api/v1/session). */
export interface SessionUser {
  sub: string;
  name: string;
  roles: Role[];
  departments: string[];
}
export type Role = 'scan_operator' | 'caseworker' | 'records_manager' | 'auditor' | 'admin';

interface SessionResponse {
  user: SessionUser;
  csrfToken: string | null;
  expiresAt: string | null;
}

type SessionState = { status: 'loading' } | { status: 'signedOut'; error?: ApiError } | { status: 'signedIn'; user: SessionUser; expiresAt: string | null };

interface SessionContextValue {
  state: SessionState;
  reload: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Where sign-in starts: the service's OIDC login (code flow with PKCE, backend for frontend). */
export function loginUrl(returnTo: string, loginHint?: string): string {
  const params = new URLSearchParams({ returnTo: safeReturnTo(returnTo) });
  if (loginHint) params.set('loginHint', loginHint);
  return `/auth/login?${params}`;
}

/** Only same-origin paths are followed after sign-in. */
export function safeReturnTo(path: string | null | undefined): string {
  return path && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/anmelden') ? path : '/';
}

// The session probe starts as this module is evaluated, before React renders anything: every
// screen waits for it, and screens that prefetch their data need the user's departments from it.
let firstProbe: Promise<SessionResponse> | null = api<SessionResponse>('/api/v1/session', { quiet401: true });
firstProbe.catch(() => undefined);
const firstUser: Promise<SessionUser | null> = firstProbe.then(
  (s) => s.user,
  () => null,
);

/** The user of the page's first session probe (null when signed out), for prefetching. */
export const firstSessionUser = (): Promise<SessionUser | null> => firstUser;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const reload = useCallback(async () => {
    try {
      const probe = firstProbe ?? api<SessionResponse>('/api/v1/session', { quiet401: true });
      firstProbe = null;
      const s = await probe;
      setCsrfToken(s.csrfToken);
      setState({ status: 'signedIn', user: s.user, expiresAt: s.expiresAt });
    } catch (e) {
      setCsrfToken(null);
      setState({ status: 'signedOut', error: e instanceof ApiError && e.status !== 401 ? e : undefined });
    }
  }, []);

  const signOut = useCallback(async () => {
    const { redirectTo } = await api<{ redirectTo: string | null }>('/auth/logout', { method: 'POST' });
    setCsrfToken(null);
    setState({ status: 'signedOut' });
    window.location.assign(redirectTo || '/anmelden?abgemeldet=1');
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);
  useEffect(() => onUnauthenticated(() => setState((s) => (s.status === 'signedIn' ? { status: 'signedOut' } : s))), []);

  const value = useMemo(() => ({ state, reload, signOut }), [state, reload, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only for components below <RequireSession>. */
export function useUser(): SessionUser {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useUser without a session');
  return state.user;
}

export const hasRole = (user: SessionUser, ...roles: Role[]) => user.roles.some((r) => roles.includes(r));

/** Renders its children for a signed-in user, else sends them to the sign-in page (and back after). */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return null;
  if (state.status === 'signedOut') {
    const returnTo = `${location.pathname}${location.search}`;
    return <Navigate to={`/anmelden?returnTo=${encodeURIComponent(returnTo)}`} replace />;
  }
  return <>{children}</>;
}

/** Renders children only for the given roles; others see the not-found page (as the API answers). */
export function RequireRole({ roles, children, fallback }: { roles: Role[]; children: ReactNode; fallback: ReactNode }) {
  const user = useUser();
  return <>{hasRole(user, ...roles) ? children : fallback}</>;
}

