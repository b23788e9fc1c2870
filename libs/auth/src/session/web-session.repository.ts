import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor, Role } from '@app/common';

/** One browser session as stored (without its token, of which only the SHA-256 is kept). */
export interface WebSessionRow {
  id: string;
  actor: Actor;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
}

export interface NewWebSession {
  tokenSha256: Buffer;
  actor: Actor;
  idToken: string | null;
  csrfToken: string;
  now: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
}

const SELECT = `id::text AS id, actor_sub, actor_name, actor_roles, actor_departments, csrf_token,
  created_at, last_seen_at, expires_at, idle_expires_at`;

interface Raw {
  id: string;
  actor_sub: string;
  actor_name: string;
  actor_roles: string[];
  actor_departments: string[];
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  idle_expires_at: Date;
}

const toRow = (r: Raw): WebSessionRow => ({
  id: r.id,
  actor: { sub: r.actor_sub, name: r.actor_name, roles: r.actor_roles as Role[], departments: r.actor_departments },
  csrfToken: r.csrf_token,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  idleExpiresAt: r.idle_expires_at,
});

/** web_sessions: browser sessions of the sign-in. */
@Injectable()
export class WebSessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(m: EntityManager, s: NewWebSession): Promise<WebSessionRow> {
    const [row] = await m.query(
      `INSERT INTO web_sessions (token_sha256, actor_sub, actor_name, actor_roles, actor_departments, id_token, csrf_token, created_at, last_seen_at, expires_at, idle_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING ${SELECT}`,
      [s.tokenSha256, s.actor.sub, s.actor.name, s.actor.roles, s.actor.departments, s.idToken, s.csrfToken, s.now, s.expiresAt, s.idleExpiresAt],
    );
    return toRow(row);
  }

  async findByToken(tokenSha256: Buffer): Promise<WebSessionRow | null> {
    const [row] = await this.dataSource.query(`SELECT ${SELECT} FROM web_sessions WHERE token_sha256 = $1`, [tokenSha256]);
    return row ? toRow(row) : null;
  }

  /** Moves the idle expiry forward (called at most once a minute per session). */
  async touch(id: string, now: Date, idleExpiresAt: Date): Promise<void> {
    await this.dataSource.query(`UPDATE web_sessions SET last_seen_at = $2, idle_expires_at = $3 WHERE id = $1`, [id, now, idleExpiresAt]);
  }

  /** Removes a session; returns its ID token (for the issuer's logout), or undefined when it was gone. */
  async delete(m: EntityManager | null, id: string): Promise<{ idToken: string | null } | undefined> {
    const rows = returned<{ id_token: string | null }>(await (m ?? this.dataSource).query(`DELETE FROM web_sessions WHERE id = $1 RETURNING id_token`, [id]));
    return rows[0] ? { idToken: rows[0].id_token } : undefined;
  }

  /** Removes the session a cookie value names, if any. */
  async deleteByToken(m: EntityManager, tokenSha256: Buffer): Promise<void> {
    await m.query(`DELETE FROM web_sessions WHERE token_sha256 = $1`, [tokenSha256]);
  }

  /** Removes every session whose idle or absolute expiry has passed; returns how many. */
  async deleteExpired(m: EntityManager, now: Date): Promise<number> {
    return returned(await m.query(`DELETE FROM web_sessions WHERE idle_expires_at <= $1 OR expires_at <= $1 RETURNING 1`, [now])).length;
  }
}

/** The RETURNING rows of a DELETE: TypeORM's PostgreSQL driver answers `[rows, rowCount]` for DELETE and UPDATE. */
function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
