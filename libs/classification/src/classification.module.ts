import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '@app/common';
import { QueueRecoveryModule } from '@app/queue';
import { ClassifierModelRepository } from './classifier-model.repository';
import { ClassifierTraining } from './classifier-training.service';
import { DocumentClassifier } from './document-classifier.service';
import { RetrainClassifierProcessor } from './jobs/retrain-classifier.processor';

/** Document classification (type, department) and its retraining trigger; used by ingest and records API. */
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, ClassifierModelRepository, DocumentClassifier, ClassifierTraining],
  exports: [DocumentClassifier, ClassifierTraining],
})
export class ClassificationModule {}

/** The worker's part: the retraining processor. */
@Module({
  imports: [ClassificationModule, QueueRecoveryModule],
  providers: [RetrainClassifierProcessor],
})
export class ClassificationWorkerModule {}
