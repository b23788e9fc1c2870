import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Löschsperre: one legal hold on a case file; active while `liftedAt` is null. */
export interface LegalHold {
  id: string;
  caseFileId: string;
  reason: string;
  reference: string | null;
  setBy: string;
  setAt: Date;
  liftedBy: string | null;
  liftedAt: Date | null;
  liftReason: string | null;
}

const SELECT = `id, case_file_id AS "caseFileId", reason, reference, set_by AS "setBy", set_at AS "setAt",
  lifted_by AS "liftedBy", lifted_at AS "liftedAt", lift_reason AS "liftReason"`;

@Injectable()
export class LegalHoldRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private m(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  listForCaseFile(caseFileId: string, m?: EntityManager): Promise<LegalHold[]> {
    return this.m(m).query(`SELECT ${SELECT} FROM legal_holds WHERE case_file_id = $1 ORDER BY position`, [caseFileId]);
  }

  /** Active holds of the given case files (callers hold the case-file row locks). */
  active(caseFileIds: string[], m?: EntityManager): Promise<LegalHold[]> {
    if (!caseFileIds.length) return Promise.resolve([]);
    return this.m(m).query(`SELECT ${SELECT} FROM legal_holds WHERE case_file_id = ANY($1::uuid[]) AND lifted_at IS NULL ORDER BY position`, [caseFileIds]);
  }

  /** Active holds of all case files, newest first, with the case file's Aktenzeichen, title and status. */
  async listActive(
    offset: number,
    limit: number,
    caseFileIds?: string[],
  ): Promise<{ items: (LegalHold & { caseFileReference: string; caseFileTitle: string; caseFileStatus: string })[]; total: number }> {
    // the optional case-file filter is always the last parameter of each statement
    const only = (n: number) => (caseFileIds ? `AND h.case_file_id = ANY($${n}::uuid[])` : '');
    const ids = caseFileIds ? [caseFileIds] : [];
    const items = await this.dataSource.query(
      `SELECT h.id, h.case_file_id AS "caseFileId", h.reason, h.reference, h.set_by AS "setBy", h.set_at AS "setAt",
              h.lifted_by AS "liftedBy", h.lifted_at AS "liftedAt", h.lift_reason AS "liftReason", c.reference AS "caseFileReference", c.title AS "caseFileTitle", c.status AS "caseFileStatus"
         FROM legal_holds h JOIN case_files c ON c.id = h.case_file_id
        WHERE h.lifted_at IS NULL ${only(3)} ORDER BY h.set_at DESC, h.id DESC OFFSET $1 LIMIT $2`,
      [offset, limit, ...ids],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM legal_holds h WHERE lifted_at IS NULL ${only(1)}`, ids);
    return { items, total };
  }

  async insert(m: EntityManager, h: Pick<LegalHold, 'caseFileId' | 'reason' | 'reference' | 'setBy' | 'setAt'>): Promise<LegalHold> {
    const [row] = await m.query(
      `INSERT INTO legal_holds (case_file_id, reason, reference, set_by, set_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${SELECT}`,
      [h.caseFileId, h.reason, h.reference, h.setBy, h.setAt],
    );
    return row;
  }

  async findForUpdate(m: EntityManager, caseFileId: string, holdId: string): Promise<LegalHold | null> {
    const [row] = await m.query(`SELECT ${SELECT} FROM legal_holds WHERE id = $1 AND case_file_id = $2 FOR UPDATE`, [holdId, caseFileId]);
    return row ?? null;
  }

  async lift(m: EntityManager, holdId: string, by: string, at: Date, reason: string): Promise<LegalHold> {
    const [rows] = await m.query(`UPDATE legal_holds SET lifted_by = $2, lifted_at = $3, lift_reason = $4 WHERE id = $1 RETURNING ${SELECT}`, [holdId, by, at, reason]);
    return rows[0];
  }

  /** Removes the (lifted) holds of a destroyed case file; the audit trail keeps their history. */
  async deleteForCaseFile(m: EntityManager, caseFileId: string): Promise<void> {
    await m.query(`DELETE FROM legal_holds WHERE case_file_id = $1`, [caseFileId]);
  }
}
