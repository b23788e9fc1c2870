import Redis from 'ioredis';
import { AppConfig, redactUrl } from '@app/config';
import { DependencyUnavailableError, PG_HINT, ensureDatabase } from '@app/database';
import { redisOptions } from '@app/queue';

const REDIS_HINT = 'Start Redis (e.g. `redis-server --daemonize yes` or `docker compose up -d redis`) or set REDIS_URL.';

async function checkPostgres(config: AppConfig, createDatabase: boolean): Promise<string | null> {
  try {
    if (createDatabase) await ensureDatabase(config.database.url);
    else {
      const { Client } = await import('pg');
      const c = new Client({ connectionString: config.database.url, connectionTimeoutMillis: 3000 });
      try {
        await c.connect();
      } catch (e) {
        throw new DependencyUnavailableError('PostgreSQL', config.database.url, PG_HINT, e);
      }
      await c.end();
    }
    return null;
  } catch (e) {
    return e instanceof DependencyUnavailableError ? e.message : `PostgreSQL at ${redactUrl(config.database.url)}: ${(e as Error).message}`;
  }
}

async function checkRedis(config: AppConfig): Promise<string | null> {
  const redis = new Redis({ ...redisOptions(config.redis.url), lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (e) {
    return `Redis is unreachable at ${redactUrl(config.redis.url)} (${(e as Error).message}). ${REDIS_HINT}`;
  } finally {
    redis.disconnect();
  }
}

/** Checks (concurrently) that PostgreSQL and Redis answer within seconds; throws naming what is missing and how to provide it. */
export async function preflight(config: AppConfig, options: { createDatabase?: boolean } = {}): Promise<void> {
  const problems = (await Promise.all([checkPostgres(config, !!options.createDatabase), checkRedis(config)])).filter((p): p is string => !!p);
  if (problems.length) throw new Error(`Cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
