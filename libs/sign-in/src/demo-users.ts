import { AppConfig } from '@app/config';
import { Role } from '@app/common';

/** A demo account of the development issuer (one per role; the same people as the test users). */
export interface DemoUser {
  loginHint: string;
  name: string;
  role: Role;
  departments: string[];
}

export const DEMO_USERS: DemoUser[] = [
  { loginHint: 'sina.scan', name: 'Sina Scan', role: Role.ScanOperator, departments: [] },
  { loginHint: 'anna.32', name: 'Anna Ordnung', role: Role.Caseworker, departments: ['32'] },
  { loginHint: 'bernd.50', name: 'Bernd Sozial', role: Role.Caseworker, departments: ['50'] },
  { loginHint: 'rita.rm', name: 'Rita Registratur', role: Role.RecordsManager, departments: [] },
  { loginHint: 'paul.rpa', name: 'Paul Prüfer', role: Role.Auditor, departments: [] },
  { loginHint: 'adam.admin', name: 'Adam Admin', role: Role.Admin, departments: [] },
];

/** The password of every demo account on the development issuer's own login page. */
export const DEMO_PASSWORD = 'demo';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The demo users are offered only when the service runs in development and listens on loopback:
 * the development sign-in must never be a way in from the network.
 */
export function devSignInOffered(config: Pick<AppConfig, 'env' | 'host'>): boolean {
  return config.env === 'development' && LOOPBACK.has(config.host);
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname.replace(/^\[(.*)\]$/, '$1'));
}
