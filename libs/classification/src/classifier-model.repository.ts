import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NaiveBayesModel } from './naive-bayes';

export type ClassifierModelName = 'document_type' | 'department';

export interface StoredModel {
  name: ClassifierModelName;
  version: number;
  trainedAt: Date;
  documentCount: number;
  model: NaiveBayesModel;
}

export interface TrainingExample {
  text: string;
  documentType: string | null;
  departmentCode: string | null;
}

/** The persisted classifier models and the training data (the organisation's filed documents). */
@Injectable()
export class ClassifierModelRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async versions(): Promise<Record<string, number>> {
    const rows: Array<{ name: string; version: number }> = await this.dataSource.query(`SELECT name, version FROM classifier_models`);
    return Object.fromEntries(rows.map((r) => [r.name, r.version]));
  }

  async load(): Promise<StoredModel[]> {
    const rows: Array<{ name: ClassifierModelName; version: number; trained_at: Date; document_count: number; model: NaiveBayesModel }> =
      await this.dataSource.query(`SELECT name, version, trained_at, document_count, model FROM classifier_models`);
    return rows.map((r) => ({ name: r.name, version: r.version, trainedAt: r.trained_at, documentCount: r.document_count, model: r.model }));
  }

  async save(name: ClassifierModelName, model: NaiveBayesModel, documentCount: number, trainedAt: Date): Promise<number> {
    const [row] = await this.dataSource.query(
      `INSERT INTO classifier_models (name, version, trained_at, document_count, model) VALUES ($1, 1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET version = classifier_models.version + 1, trained_at = $2, document_count = $3, model = $4
       RETURNING version`,
      [name, trainedAt, documentCount, JSON.stringify(model)],
    );
    return row.version;
  }

  /** Documents filed since the models were last trained (all filed documents before the first training). */
  async filingsSinceTraining(): Promise<number> {
    const [r] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM documents
        WHERE status = 'filed' AND case_file_id IS NOT NULL
          AND updated_at > coalesce((SELECT min(trained_at) FROM classifier_models), '-infinity'::timestamptz)`,
    );
    return r.n;
  }

  /** Filed documents with text, newest first: what the organisation itself decided. */
  async *trainingExamples(limit: number, batchSize = 500): AsyncGenerator<TrainingExample> {
    let offset = 0;
    while (offset < limit) {
      const rows: Array<{ text: string; document_type: string | null; department_code: string | null }> = await this.dataSource.query(
        `SELECT left(text_content, 20000) AS text, document_type, department_code FROM documents
          WHERE status = 'filed' AND text_content IS NOT NULL AND case_file_id IS NOT NULL
          ORDER BY updated_at DESC, id LIMIT $1 OFFSET $2`,
        [Math.min(batchSize, limit - offset), offset],
      );
      for (const r of rows) yield { text: r.text, documentType: r.document_type, departmentCode: r.department_code };
      if (rows.length < batchSize) return;
      offset += rows.length;
    }
  }
}
