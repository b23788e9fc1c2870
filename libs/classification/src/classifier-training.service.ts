import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { QueueName, REDIS } from '@app/queue';
import { ClassifierModelRepository } from './classifier-model.repository';
import { RETRAIN_CLASSIFIER_JOB, RetrainClassifierJobData } from './jobs/retrain-classifier.job';

/**
 * Decides when the classifier is retrained: after every manual correction (a caseworker filed an
 * inbox document) and after every CLASSIFIER_RETRAIN_EVERY automatic filings. Retraining runs as
 * one deduplicated job on the training queue, never inside a request.
 */
@Injectable()
export class ClassifierTraining {
  private readonly logger = new Logger(ClassifierTraining.name);

  constructor(
    @InjectQueue(QueueName.Training) private readonly queue: Queue<RetrainClassifierJobData>,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly models: ClassifierModelRepository,
  ) {}

  private get counterKey(): string {
    return `${this.config.redis.prefix}:classifier:filings-since-training`;
  }

  /** Call after a filing has committed. Never throws: a missed trigger is caught up by the next. */
  async noteFiling(kind: 'automatic' | 'correction'): Promise<void> {
    try {
      const count = await this.redis.incr(this.counterKey);
      if (kind === 'correction' || count >= this.config.ingest.retrainEvery) await this.request(kind === 'correction' ? 'correction' : `${count} filings`);
    } catch (e) {
      this.logger.warn({ err: e }, 'could not schedule classifier retraining');
    }
  }

  /**
   * Rebuilds the filing counter from PostgreSQL when Redis lost it (run by the worker's queue
   * recovery): the documents filed since the last training count, and retraining is requested
   * when they reach CLASSIFIER_RETRAIN_EVERY (a pending retrain job may have been lost too).
   */
  async restoreCounter(): Promise<void> {
    if (await this.redis.exists(this.counterKey)) return;
    const filings = await this.models.filingsSinceTraining();
    // NX: a filing counted meanwhile (or another worker's restore) wins
    if ((await this.redis.set(this.counterKey, String(filings), 'NX')) !== 'OK') return;
    if (filings >= this.config.ingest.retrainEvery) await this.request(`${filings} filings (counter rebuilt after Redis lost it)`);
  }

  async request(reason: string): Promise<void> {
    await this.redis.set(this.counterKey, '0');
    await this.queue.add(RETRAIN_CLASSIFIER_JOB, { reason }, { deduplication: { id: 'classifier-retrain' }, delay: 1000, attempts: 3 });
  }
}
