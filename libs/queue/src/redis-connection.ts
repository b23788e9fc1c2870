import type { RedisOptions } from 'ioredis';

/** ioredis options from REDIS_URL, as BullMQ wants them (no request retry limit for workers). */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // reconnect within 2 s of Redis coming back (BullMQ's own default backs off to 20 s)
    retryStrategy: (times: number) => Math.min(250 * times, 2000),
  };
}
