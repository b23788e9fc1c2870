import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Clock } from '@app/common';
import { ClassifierModelName, ClassifierModelRepository } from './classifier-model.repository';
import { tokenize } from './german-tokens';
import { emptyModel, finish, NaiveBayesModel, predict, Prediction, train } from './naive-bayes';
import { DEPARTMENT_SEEDS, DOCUMENT_TYPE_SEEDS, SEED_WEIGHT } from './seed-rules';

export interface TextPrediction {
  documentType: Prediction | null;
  department: Prediction | null;
  modelVersion: Record<string, number>;
}

const RELOAD_MS = 15_000;
const MAX_TRAINING_DOCUMENTS = 50_000;

/** A model trained on the seed rules only (before the first retraining, and in unit tests). */
export function seedModels(): Record<ClassifierModelName, NaiveBayesModel> {
  const types = emptyModel();
  for (const [label, phrases] of Object.entries(DOCUMENT_TYPE_SEEDS)) for (const p of phrases) train(types, label, tokenize(p), SEED_WEIGHT);
  const departments = emptyModel();
  for (const [label, phrases] of Object.entries(DEPARTMENT_SEEDS)) for (const p of phrases) train(departments, label, tokenize(p), SEED_WEIGHT);
  return { document_type: finish(types), department: finish(departments) };
}

/**
 * Predicts document type and responsible department from text with naive Bayes models that are
 * seeded with keyword rules and retrained from the organisation's own filed documents.
 * Models live in PostgreSQL; each process reloads them when a newer version appears.
 */
@Injectable()
export class DocumentClassifier {
  private readonly logger = new Logger(DocumentClassifier.name);
  private models: Record<ClassifierModelName, NaiveBayesModel> | null = null;
  private versions: Record<string, number> = {};
  private checkedAt = 0;

  constructor(
    private readonly repository: ClassifierModelRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async predict(text: string): Promise<TextPrediction> {
    const models = await this.current();
    const tokens = tokenize(text);
    return { documentType: predict(models.document_type, tokens), department: predict(models.department, tokens), modelVersion: { ...this.versions } };
  }

  /** Rebuilds both models from the seed rules plus every filed document; returns the new versions. */
  async retrain(): Promise<{ versions: Record<string, number>; documents: number }> {
    const models = seedModels();
    let documents = 0;
    for await (const ex of this.repository.trainingExamples(MAX_TRAINING_DOCUMENTS)) {
      const tokens = tokenize(ex.text);
      if (!tokens.length) continue;
      documents++;
      if (ex.documentType && ex.documentType !== 'sonstiges') train(models.document_type, ex.documentType, tokens);
      if (ex.departmentCode) train(models.department, ex.departmentCode, tokens);
    }
    const now = this.clock.now();
    const versions: Record<string, number> = {};
    for (const name of ['document_type', 'department'] as const) versions[name] = await this.repository.save(name, finish(models[name]), documents, now);
    this.models = models;
    this.versions = versions;
    this.checkedAt = Date.now();
    this.logger.log({ versions, documents }, 'classifier retrained');
    return { versions, documents };
  }

  private async current(): Promise<Record<ClassifierModelName, NaiveBayesModel>> {
    if (this.models && Date.now() - this.checkedAt < RELOAD_MS) return this.models;
    const versions = await this.repository.versions();
    const stale = !this.models || Object.keys(versions).some((k) => versions[k] !== this.versions[k]);
    if (stale) {
      const stored = await this.repository.load();
      const models = seedModels();
      for (const s of stored) models[s.name] = s.model;
      this.models = models;
      this.versions = Object.fromEntries(stored.map((s) => [s.name, s.version]));
    }
    this.checkedAt = Date.now();
    return this.models!;
  }

  /** How many filings make a retraining worthwhile (CLASSIFIER_RETRAIN_EVERY). */
  get retrainEvery(): number {
    return this.config.ingest.retrainEvery;
  }
}
