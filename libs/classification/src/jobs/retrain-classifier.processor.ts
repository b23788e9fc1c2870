import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueName, QueueRecoveryTasks } from '@app/queue';
import { ClassifierTraining } from '../classifier-training.service';
import { DocumentClassifier } from '../document-classifier.service';
import { RetrainClassifierJobData } from './retrain-classifier.job';

/**
 * Rebuilds the classifier models from the filed documents (one job at a time). Its trigger state
 * (the filing counter in Redis) is rebuilt from PostgreSQL by the worker's queue recovery.
 */
@Processor(QueueName.Training, { concurrency: 1 })
export class RetrainClassifierProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(RetrainClassifierProcessor.name);

  constructor(
    private readonly classifier: DocumentClassifier,
    private readonly training: ClassifierTraining,
    private readonly recovery: QueueRecoveryTasks,
  ) {
    super();
  }

  onModuleInit(): void {
    this.recovery.register('rebuild the classifier retraining counter', () => this.training.restoreCounter());
  }

  async process(job: Job<RetrainClassifierJobData>): Promise<{ versions: Record<string, number>; documents: number }> {
    const started = Date.now();
    const result = await this.classifier.retrain();
    this.logger.log({ jobId: job.id, reason: job.data.reason, ...result, ms: Date.now() - started }, 'RetrainClassifierJob done');
    return result;
  }
}
