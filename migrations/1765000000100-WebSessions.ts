import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Browser sessions of the sign-in (OpenID Connect backend-for-frontend). The cookie carries a
 * random 256-bit token; only its SHA-256 is stored, so a copy of this table signs no one in.
 * `id_token` is kept for the issuer's logout (id_token_hint) and is a secret: never returned or
 * logged. A session ends at `expires_at` (absolute) or at `idle_expires_at` (moved forward as
 * the session is used, at most once a minute); expired rows are removed when met and on sign-in.
 */
export class WebSessions1765000000100 implements MigrationInterface {
  name = 'WebSessions1765000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE web_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_sha256 bytea NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
        actor_sub text NOT NULL,
        actor_name text NOT NULL,
        actor_roles text[] NOT NULL,
        actor_departments text[] NOT NULL,
        id_token text,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        idle_expires_at timestamptz NOT NULL,
        CHECK (idle_expires_at <= expires_at)
      )`);
    // the sweep on sign-in: rows whose idle expiry (never later than the absolute one) has passed
    await q.query(`CREATE INDEX web_sessions_idle_expires_at ON web_sessions (idle_expires_at)`);
    await q.query(`CREATE INDEX web_sessions_actor_sub ON web_sessions (actor_sub)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE web_sessions`);
  }
}
