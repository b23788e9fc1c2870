import { BullModule } from '@nestjs/bullmq';
import { Global, Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ALL_QUEUES, DEFAULT_JOB_OPTIONS } from './queue-names';
import { QueueAvailability } from './queue-availability';
import { QueueRecoveryTasks } from './queue-recovery';
import { redisOptions } from './redis-connection';
import { REDIS } from './redis.token';

export { REDIS };

/**
 * BullMQ on Redis for every queue, plus a plain Redis client (health, pub/sub), bounded waits on
 * it for requests, and the registry of recovery tasks (run by the worker's QueueRecoveryModule).
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisOptions(config.redis.url),
        prefix: config.redis.prefix,
        defaultJobOptions: { ...DEFAULT_JOB_OPTIONS },
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new Redis({ ...redisOptions(config.redis.url), lazyConnect: false }),
    },
    QueueAvailability,
    QueueRecoveryTasks,
  ],
  exports: [BullModule, REDIS, QueueAvailability, QueueRecoveryTasks],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
