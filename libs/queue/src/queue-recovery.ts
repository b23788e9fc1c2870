import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { REDIS } from './redis.token';

/** One idempotent piece of rebuilding what Redis holds from PostgreSQL and configuration. */
export interface RecoveryTask {
  /** For logs, e.g. `schedule retention-sweep`. */
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Redis is a cache of intentions (PostgreSQL is the truth): what lives only in Redis (job
 * schedulers, queued jobs, counters) must be rebuildable. Worker modules register here the
 * idempotent tasks that rebuild their part (upsertJobScheduler, re-enqueue with a dedup jobId);
 * the {@link QueueRecoveryRunner} runs them. Registering is all an app without the runner does.
 */
@Injectable()
export class QueueRecoveryTasks {
  private readonly tasks: RecoveryTask[] = [];

  register(name: string, run: () => Promise<unknown>): void {
    this.tasks.push({ name, run });
  }

  list(): readonly RecoveryTask[] {
    return this.tasks;
  }
}

export interface RecoveryRun {
  trigger: string;
  ok: string[];
  failed: Array<{ name: string; error: string }>;
}

const BOOT_READY_WAIT_MS = 10_000;

/** Resolves when the client is `ready` or after `timeoutMs` (whatever comes first); never rejects. */
function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  if (redis.status === 'wait') void redis.connect().catch(() => undefined);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    redis.once('ready', done);
  });
}

/**
 * Runs every registered recovery task (worker only): at boot, as soon as Redis is `ready` again
 * after a lost connection (a restarted Redis may have lost everything), and every
 * QUEUE_RECOVERY_CHECK_SECONDS (a flush or failover the client never noticed). Runs never
 * overlap; a trigger during a run queues exactly one more run.
 */
@Injectable()
export class QueueRecoveryRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueRecoveryRunner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<RecoveryRun>;
  private again?: string;
  private disconnected = false;
  private stopped = false;
  private readonly onClose = () => {
    this.disconnected = true;
  };
  private readonly onReady = () => {
    if (!this.disconnected) return;
    this.disconnected = false;
    this.logger.warn('Redis is back after a lost connection: re-establishing schedules and queued scans');
    void this.runAll('reconnect');
  };
  /** The last finished run (for health and tests). */
  last?: RecoveryRun & { at: Date };

  constructor(
    private readonly tasks: QueueRecoveryTasks,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.redis.on('close', this.onClose);
    this.redis.on('end', this.onClose);
    this.redis.on('ready', this.onReady);
    // at boot the connection is usually still being made: wait for it (bounded), so the schedules
    // exist when the worker reports started instead of only after the first `ready` event
    await waitUntilReady(this.redis, BOOT_READY_WAIT_MS);
    await this.runAll('boot');
    this.timer = setInterval(() => void this.runAll('periodic'), Math.round(this.config.queue.recoveryCheckSeconds * 1000));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.redis.off('close', this.onClose);
    this.redis.off('end', this.onClose);
    this.redis.off('ready', this.onReady);
  }

  /** Runs every task once (after a run in progress, if any). Never throws. */
  async runAll(trigger: string): Promise<RecoveryRun> {
    if (this.running) {
      this.again = trigger;
      return this.running;
    }
    this.running = this.runOnce(trigger);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
      const next = this.again;
      this.again = undefined;
      if (next && !this.stopped) void this.runAll(next);
    }
  }

  private async runOnce(trigger: string): Promise<RecoveryRun> {
    const run: RecoveryRun = { trigger, ok: [], failed: [] };
    if (this.redis.status !== 'ready') {
      // nothing can be rebuilt now; the `ready` event after reconnecting triggers the next run
      this.disconnected = true;
      run.failed.push({ name: '(all)', error: `Redis is ${this.redis.status}` });
    } else {
      for (const task of this.tasks.list()) {
        if (this.stopped) break;
        try {
          await task.run();
          run.ok.push(task.name);
        } catch (e) {
          run.failed.push({ name: task.name, error: (e as Error).message });
        }
      }
    }
    if (run.failed.length) this.logger.warn(run, 'queue recovery incomplete; retried on reconnect and periodically');
    else if (trigger !== 'periodic') this.logger.log(run, 'queue recovery done');
    this.last = { ...run, at: new Date() };
    return run;
  }
}

/** The worker's recovery loop; every worker module imports it (one runner per process). */
@Module({ providers: [QueueRecoveryRunner], exports: [QueueRecoveryRunner] })
export class QueueRecoveryModule {}
