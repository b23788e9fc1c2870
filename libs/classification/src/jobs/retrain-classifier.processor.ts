import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueName } from '@app/queue';
import { DocumentClassifier } from '../document-classifier.service';
import { RetrainClassifierJobData } from './retrain-classifier.job';

/** Rebuilds the classifier models from the filed documents (one job at a time). */
@Processor(QueueName.Training, { concurrency: 1 })
export class RetrainClassifierProcessor extends WorkerHost {
  private readonly logger = new Logger(RetrainClassifierProcessor.name);

  constructor(private readonly classifier: DocumentClassifier) {
    super();
  }

  async process(job: Job<RetrainClassifierJobData>): Promise<{ versions: Record<string, number>; documents: number }> {
    const started = Date.now();
    const result = await this.classifier.retrain();
    this.logger.log({ jobId: job.id, reason: job.data.reason, ...result, ms: Date.now() - started }, 'RetrainClassifierJob done');
    return result;
  }
}
