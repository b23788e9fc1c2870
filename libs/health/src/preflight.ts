import Redis from 'ioredis';
import { AppConfig, redactUrl } from '@app/config';
import { DependencyUnavailableError, ensureDatabase } from '@app/database';
import { redisOptions } from '@app/queue';

const REDIS_HINT = 'Start Redis (e.g. `redis-server --daemonize yes` or `docker compose up -d redis`) or set REDIS_URL.';

/** Checks that PostgreSQL and Redis answer within seconds; throws naming what is missing. */
export async function preflight(config: AppConfig, options: { createDatabase?: boolean } = {}): Promise<void> {
  const problems: string[] = [];
  try {
    if (options.createDatabase) await ensureDatabase(config.database.url);
    else {
      const { Client } = await import('pg');
      const c = new Client({ connectionString: config.database.url, connectionTimeoutMillis: 3000 });
      await c.connect();
      await c.end();
    }
  } catch (e) {
    problems.push(e instanceof DependencyUnavailableError ? e.message : `PostgreSQL at ${redactUrl(config.database.url)}: ${(e as Error).message}`);
  }
  const redis = new Redis({ ...redisOptions(config.redis.url), lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    problems.push(`Redis is unreachable at ${redactUrl(config.redis.url)} (${(e as Error).message}). ${REDIS_HINT}`);
  } finally {
    redis.disconnect();
  }
  if (problems.length) throw new Error(`Cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
