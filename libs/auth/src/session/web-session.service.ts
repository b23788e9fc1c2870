import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Actor, Clock, DomainError, ErrorCode } from '@app/common';
import { WebSessionRepository, WebSessionRow } from './web-session.repository';

/** A last-seen time is written at most this often per session (not on every request). */
export const TOUCH_EVERY_MS = 60_000;

/** A valid browser session, as the guard hands it to the request. */
export interface WebSession {
  id: string;
  actor: Actor;
  csrfToken: string;
  /** When the session ends if not used before (the earlier of idle and absolute expiry). */
  expiresAt: Date;
}

export interface CreatedWebSession extends WebSession {
  /** The cookie value: shown to the browser once, never stored. */
  token: string;
}

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Browser sessions: created at sign-in, checked on every cookie-authenticated request, ended at logout. */
@Injectable()
export class WebSessionService {
  constructor(
    private readonly repository: WebSessionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.repository.transaction(work);
  }

  /** Starts a session for a signed-in person (in the caller's transaction, with its audit event). */
  async create(m: EntityManager, actor: Actor, idToken: string | null): Promise<CreatedWebSession> {
    const now = this.clock.now();
    await this.repository.deleteExpired(m, now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.session.ttlMinutes * 60_000);
    const idleExpiresAt = this.idleExpiry(now, expiresAt);
    const row = await this.repository.insert(m, { tokenSha256: sha256(token), actor, idToken, csrfToken: randomBytes(32).toString('base64url'), now, expiresAt, idleExpiresAt });
    return { ...toSession(row), token };
  }

  /**
   * The session a cookie names. Unknown tokens and expired sessions are refused (401); an expired
   * session's row is removed when met. Use moves the idle expiry on, written at most once a minute.
   */
  async authenticate(token: string): Promise<WebSession> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new DomainError(ErrorCode.Unauthenticated, 'invalid session cookie');
    const row = await this.repository.findByToken(sha256(token));
    if (!row) throw new DomainError(ErrorCode.Unauthenticated, 'no such session (signed out or expired)');
    const now = this.clock.now();
    if (row.expiresAt <= now || row.idleExpiresAt <= now) {
      await this.repository.delete(null, row.id);
      throw new DomainError(ErrorCode.Unauthenticated, 'session expired');
    }
    if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      row.lastSeenAt = now;
      row.idleExpiresAt = this.idleExpiry(now, row.expiresAt);
      await this.repository.touch(row.id, now, row.idleExpiresAt);
    }
    return toSession(row);
  }

  /** Ends the session a (previous) cookie value names, e.g. when the browser signs in again. */
  async endByToken(m: EntityManager, token: string): Promise<void> {
    if (/^[A-Za-z0-9_-]{43}$/.test(token)) await this.repository.deleteByToken(m, sha256(token));
  }

  /** Ends a session; returns its ID token for the issuer's logout (undefined: it was already gone). */
  end(m: EntityManager, id: string): Promise<{ idToken: string | null } | undefined> {
    return this.repository.delete(m, id);
  }

  private idleExpiry(now: Date, expiresAt: Date): Date {
    return new Date(Math.min(now.getTime() + this.config.session.idleMinutes * 60_000, expiresAt.getTime()));
  }
}

/** Whether a request's CSRF header is the session's token (constant time). */
export function csrfMatches(session: WebSession, header: unknown): boolean {
  if (typeof header !== 'string' || !header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

const toSession = (row: WebSessionRow): WebSession => ({
  id: row.id,
  actor: row.actor,
  csrfToken: row.csrfToken,
  expiresAt: new Date(Math.min(row.expiresAt.getTime(), row.idleExpiresAt.getTime())),
});
