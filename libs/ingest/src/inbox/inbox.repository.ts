import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Document } from '@app/records';

/** Posteingang of the departments: scanned documents waiting for review (`needs_review`). */
@Injectable()
export class InboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(departments: string[], offset: number, limit: number): Promise<{ items: Document[]; total: number }> {
    const qb = this.dataSource
      .getRepository(Document)
      .createQueryBuilder('d')
      .where(`d.status = 'needs_review' AND d.department_code = ANY(:departments)`, { departments })
      .orderBy('d.created_at', 'ASC')
      .addOrderBy('d.id', 'ASC');
    const [items, total] = await Promise.all([qb.clone().offset(offset).limit(limit).getMany(), qb.getCount()]);
    return { items, total };
  }

  /** The case files with these references (for the inbox's suggestions). */
  async caseFilesByReference(references: string[]): Promise<Array<{ id: string; reference: string; title: string; departmentCode: string; status: string }>> {
    if (!references.length) return [];
    return this.dataSource.query(`SELECT id, reference, title, department_code AS "departmentCode", status FROM case_files WHERE reference = ANY($1::text[])`, [references]);
  }

  /** Moves an inbox document to another department's inbox and notes the forwarding in its classification. */
  async forward(m: EntityManager, documentId: string, departmentCode: string, forwarding: Record<string, unknown>): Promise<void> {
    await m.query(
      `UPDATE documents SET department_code = $2, classification = coalesce(classification, '{}'::jsonb) || jsonb_build_object('forwarded', $3::jsonb), updated_at = now() WHERE id = $1`,
      [documentId, departmentCode, JSON.stringify(forwarding)],
    );
  }

  async file(m: EntityManager, documentId: string, caseFileId: string, departmentCode: string, documentType: string | null, classification: Record<string, unknown>): Promise<void> {
    await m.query(
      `UPDATE documents SET status = 'filed', case_file_id = $2, department_code = $3, document_type = $4, classification = $5, updated_at = now() WHERE id = $1`,
      [documentId, caseFileId, departmentCode, documentType, JSON.stringify(classification)],
    );
  }
}
