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
const MAX_TRAINING_DOCUMENTS = 20_000;
/** A token occurring under more than this share of the labels is not learned (see retrain). */
export const MAX_LABEL_SHARE = 0.5;

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

  /**
   * Rebuilds both models from the seed rules plus every filed document; returns the new versions.
   * Each document counts its distinct tokens once, and a token is learned only when it occurs
   * under at most half of the labels that have filed documents (letterhead, the city's address
   * and greetings occur under all of them: they say nothing about type or department, yet with
   * few filings they would outvote the keywords). So the organisation's own documents take over
   * from the seed rules as filings of different kinds accumulate.
   */
  async retrain(): Promise<{ versions: Record<string, number>; documents: number }> {
    const models = seedModels();
    const examples: Array<{ tokens: string[]; documentType: string | null; departmentCode: string | null }> = [];
    for await (const ex of this.repository.trainingExamples(MAX_TRAINING_DOCUMENTS)) {
      const tokens = [...new Set(tokenize(ex.text))];
      if (tokens.length) examples.push({ tokens, documentType: ex.documentType && ex.documentType !== 'sonstiges' ? ex.documentType : null, departmentCode: ex.departmentCode });
    }
    const learn = (name: ClassifierModelName, labelOf: (e: (typeof examples)[number]) => string | null) => {
      const labelsByToken = new Map<string, Set<string>>();
      const labels = new Set<string>();
      for (const ex of examples) {
        const label = labelOf(ex);
        if (!label) continue;
        labels.add(label);
        for (const t of ex.tokens) (labelsByToken.get(t) ?? labelsByToken.set(t, new Set()).get(t)!).add(label);
      }
      const maxLabels = labels.size * MAX_LABEL_SHARE;
      for (const ex of examples) {
        const label = labelOf(ex);
        if (!label) continue;
        const tokens = ex.tokens.filter((t) => labelsByToken.get(t)!.size <= maxLabels);
        if (tokens.length) train(models[name], label, tokens);
      }
    };
    learn('document_type', (e) => e.documentType);
    learn('department', (e) => e.departmentCode);
    const documents = examples.length;
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
