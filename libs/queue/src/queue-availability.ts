import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { DomainError, ErrorCode } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { REDIS } from './redis.token';

/** Redis (the queues) cannot be reached: answered 503 with `Retry-After`; nothing was accepted. */
export class QueueUnavailableError extends DomainError {
  override readonly retryAfterSeconds = 5;
  constructor(message: string) {
    super(ErrorCode.ServiceUnavailable, message);
  }
}

/**
 * Bounded waits on Redis inside requests. The connections retry commands until Redis is back
 * (workers need that), so a request that simply awaited one would hang for the whole outage.
 */
@Injectable()
export class QueueAvailability {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Throws {@link QueueUnavailableError} unless Redis answers a PING within QUEUE_TIMEOUT_MS. */
  async assertAvailable(what: string): Promise<void> {
    if (this.redis.status !== 'ready') throw new QueueUnavailableError(`the job queue (Redis) is unavailable; ${what}`);
    const ok = await this.within(this.redis.ping());
    if (!ok.done) throw new QueueUnavailableError(`the job queue (Redis) did not answer within ${this.config.queue.timeoutMs} ms; ${what}`);
  }

  /**
   * Waits at most QUEUE_TIMEOUT_MS for `p`. The command is not cancelled: it may still complete
   * once Redis is back (callers use dedup job ids, so that is harmless).
   */
  async within<T>(p: Promise<T>): Promise<{ done: true; value: T } | { done: false; error?: Error }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ done: false }>((resolve) => {
      timer = setTimeout(() => resolve({ done: false }), this.config.queue.timeoutMs);
    });
    try {
      return await Promise.race([p.then((value) => ({ done: true as const, value })), timeout]);
    } catch (e) {
      return { done: false, error: e as Error };
    } finally {
      clearTimeout(timer);
      p.catch(() => undefined);
    }
  }
}
