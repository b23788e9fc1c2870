import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type OfferStatus = 'offered' | 'appraised' | 'awaiting_confirmation' | 'completed';
/** pending → held | not_expired | destroyed (V) | handed_over (A) → archived (0506 ok) | returned (0506 failed). */
export type ItemOutcome = 'pending' | 'held' | 'not_expired' | 'destroyed' | 'handed_over' | 'archived' | 'returned';

/** Where the last sweep batch ended (retainUntil as UTC text with microseconds, id). */
export interface SweepCursor {
  retainUntil: string;
  id: string;
}

export interface DisposalOffer {
  id: string;
  processId: string;
  status: OfferStatus;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  appraisedAt: Date | null;
  executedAt: Date | null;
  executedBy: string | null;
  confirmedAt: Date | null;
  confirmedBy: string | null;
}

/** An offer in the list of offers, with how many of its case files are done. */
export interface OfferSummary extends DisposalOffer {
  caseFiles: number;
  done: number;
}

/** One step of an offer's xdomea cycle as the audit trail recorded it. */
export interface OfferStep {
  action: string;
  at: Date;
  by: string;
  byName: string | null;
  reason: string | null;
}

/** The audit actions that are steps of an offer (reads of the offer itself are not). */
export const OFFER_STEP_ACTIONS = [
  'disposal.offer.create',
  'disposal.export.0501',
  'disposal.appraisal',
  'disposal.execute',
  'disposal.export.0503',
  'disposal.confirmation',
  'disposal.certificate.read',
];

/** What was destroyed: the destruction record kept with the offer item and in the audit trail. */
export interface DestructionRecord {
  release: string;
  destroyedBy: string;
  destroyedAt: string;
  documents: { id: string; versions: number; files: { variant: string; sha256: string; size: number }[] }[];
  /** `removed`: gone from storage, or kept on purpose because another document still refers to it (`shared`). */
  objects: { key: string; sha256: string; removed: boolean; shared?: boolean }[];
}

export interface DisposalItem {
  offerId: string;
  caseFileId: string;
  reference: string;
  title: string;
  filePlanCode: string;
  departmentCode: string;
  confidentiality: string;
  openedAt: Date;
  closedAt: Date | null;
  retainUntil: Date | null;
  retentionYears: number | null;
  retentionTrigger: string;
  disposal: 'destroy' | 'archive' | 'review';
  decision: 'A' | 'V' | null;
  outcome: ItemOutcome;
  outcomeAt: Date | null;
  outcomeBy: string | null;
  archiveId: string | null;
  destruction: DestructionRecord | null;
}

const OFFER = `id, process_id AS "processId", status, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt",
  appraised_at AS "appraisedAt", executed_at AS "executedAt", executed_by AS "executedBy", confirmed_at AS "confirmedAt", confirmed_by AS "confirmedBy"`;
const ITEM = `offer_id AS "offerId", case_file_id AS "caseFileId", reference, title, file_plan_code AS "filePlanCode",
  department_code AS "departmentCode", confidentiality, opened_at AS "openedAt", closed_at AS "closedAt", retain_until AS "retainUntil",
  retention_years AS "retentionYears", retention_trigger AS "retentionTrigger", disposal, decision, outcome, outcome_at AS "outcomeAt",
  outcome_by AS "outcomeBy", archive_id AS "archiveId", destruction`;

@Injectable()
export class DisposalRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private m(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Marks closed case files whose retention ended and that have no active hold as `due`, one
   * batch in (retainUntil, id) order after `after` (keyset: each batch starts where the last one
   * ended instead of rescanning what it just updated); rows another transaction has locked (a
   * hold being set) are skipped this round and caught by the next sweep.
   */
  async markDueBatch(now: Date, limit: number, after: SweepCursor | null): Promise<{ ids: string[]; last: SweepCursor | null }> {
    const [rows] = await this.dataSource.query(
      `WITH batch AS (
         SELECT c.id, c.retain_until FROM case_files c
          WHERE c.status = 'closed' AND c.retain_until <= $1
            ${after ? 'AND (c.retain_until, c.id) > ($3::timestamptz, $4::uuid)' : ''}
            AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_file_id = c.id AND h.lifted_at IS NULL)
          ORDER BY c.retain_until, c.id
          LIMIT $2 FOR UPDATE OF c SKIP LOCKED)
       UPDATE case_files c SET status = 'due', updated_at = $1 FROM batch WHERE c.id = batch.id
       RETURNING c.id, to_char(batch.retain_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "retainUntil"`,
      after ? [now, limit, after.retainUntil, after.id] : [now, limit],
    );
    const list = rows as { id: string; retainUntil: string }[];
    let last: SweepCursor | null = null;
    for (const r of list) if (!last || r.retainUntil > last.retainUntil || (r.retainUntil === last.retainUntil && r.id > last.id)) last = r;
    return { ids: list.map((r) => r.id), last };
  }

  /** Locks the case files (FOR UPDATE, in id order) and returns what an offer needs of them. */
  lockCaseFiles(m: EntityManager, ids: string[]): Promise<{ id: string; reference: string; status: string; retainUntil: Date | null }[]> {
    return m.query(
      `SELECT id, reference, status, retain_until AS "retainUntil" FROM case_files WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
  }

  async createOffer(m: EntityManager, o: { processId: string; createdBy: string; now: Date }): Promise<DisposalOffer> {
    const [row] = await m.query(
      `INSERT INTO disposal_offers (process_id, status, created_by, created_at, updated_at) VALUES ($1, 'offered', $2, $3, $3) RETURNING ${OFFER}`,
      [o.processId, o.createdBy, o.now],
    );
    return row;
  }

  /** Snapshots the offered case files (with their file-plan rule) into the offer's items. */
  async addItems(m: EntityManager, offerId: string, caseFileIds: string[]): Promise<void> {
    await m.query(
      `INSERT INTO disposal_offer_items (offer_id, case_file_id, reference, title, file_plan_code, department_code, confidentiality,
         opened_at, closed_at, retain_until, retention_years, retention_trigger, disposal)
       SELECT $1, c.id, c.reference, c.title, c.file_plan_code, c.department_code, c.confidentiality, c.opened_at, c.closed_at,
              c.retain_until, u.retention_years, u.retention_trigger, u.disposal
         FROM case_files c JOIN file_plan_units u ON u.code = c.file_plan_code
        WHERE c.id = ANY($2::uuid[])`,
      [offerId, caseFileIds],
    );
  }

  /** Offers, newest first, with their item counts. */
  async listOffers(offset: number, limit: number): Promise<{ items: OfferSummary[]; total: number }> {
    const items: OfferSummary[] = await this.dataSource.query(
      `SELECT ${OFFER},
              (SELECT count(*)::int FROM disposal_offer_items i WHERE i.offer_id = o.id) AS "caseFiles",
              (SELECT count(*)::int FROM disposal_offer_items i WHERE i.offer_id = o.id AND i.outcome IN ('destroyed', 'archived')) AS "done"
         FROM disposal_offers o ORDER BY o.created_at DESC, o.id DESC OFFSET $1 LIMIT $2`,
      [offset, limit],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM disposal_offers`);
    return { items, total };
  }

  /** The steps of an offer (who did what when), in their order in the audit trail. */
  steps(offerId: string): Promise<OfferStep[]> {
    return this.dataSource.query(
      `SELECT action, occurred_at AS at, COALESCE(actor_sub, 'system') AS by, actor_name AS "byName", reason
         FROM audit_events
        WHERE object_type = 'disposal_offer' AND object_id = $1 AND outcome = 'success' AND action = ANY($2::text[])
        ORDER BY seq`,
      [offerId, OFFER_STEP_ACTIONS],
    );
  }

  async findOffer(id: string, m?: EntityManager, forUpdate = false): Promise<DisposalOffer | null> {
    const [row] = await this.m(m).query(`SELECT ${OFFER} FROM disposal_offers WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row ?? null;
  }

  items(offerId: string, m?: EntityManager): Promise<DisposalItem[]> {
    return this.m(m).query(`SELECT ${ITEM} FROM disposal_offer_items WHERE offer_id = $1 ORDER BY reference, case_file_id`, [offerId]);
  }

  async itemForUpdate(m: EntityManager, offerId: string, caseFileId: string): Promise<DisposalItem | null> {
    const [row] = await m.query(`SELECT ${ITEM} FROM disposal_offer_items WHERE offer_id = $1 AND case_file_id = $2 FOR UPDATE`, [offerId, caseFileId]);
    return row ?? null;
  }

  async setDecisions(m: EntityManager, offerId: string, decisions: { id: string; code: 'A' | 'V' | null }[]): Promise<void> {
    for (const d of decisions) {
      await m.query(`UPDATE disposal_offer_items SET decision = $3 WHERE offer_id = $1 AND case_file_id = $2`, [offerId, d.id, d.code]);
    }
  }

  async setOutcome(
    m: EntityManager,
    offerId: string,
    caseFileId: string,
    o: { outcome: ItemOutcome; at: Date; by: string; archiveId?: string | null; destruction?: DestructionRecord | null },
  ): Promise<void> {
    await m.query(
      `UPDATE disposal_offer_items SET outcome = $3, outcome_at = $4, outcome_by = $5,
         archive_id = COALESCE($6, archive_id), destruction = COALESCE($7::jsonb, destruction)
       WHERE offer_id = $1 AND case_file_id = $2`,
      [offerId, caseFileId, o.outcome, o.at, o.by, o.archiveId ?? null, o.destruction ? JSON.stringify(o.destruction) : null],
    );
  }

  async updateDestructionObjects(offerId: string, caseFileId: string, destruction: DestructionRecord): Promise<void> {
    await this.dataSource.query(`UPDATE disposal_offer_items SET destruction = $3::jsonb WHERE offer_id = $1 AND case_file_id = $2`, [offerId, caseFileId, JSON.stringify(destruction)]);
  }

  async setOfferStatus(m: EntityManager, offerId: string, status: OfferStatus, now: Date, extra: Partial<Record<'appraised_at' | 'executed_at' | 'executed_by' | 'confirmed_at' | 'confirmed_by', unknown>> = {}): Promise<void> {
    const sets = ['status = $2', 'updated_at = $3'];
    const params: unknown[] = [offerId, status, now];
    for (const [k, v] of Object.entries(extra)) {
      params.push(v);
      sets.push(`${k} = $${params.length}`);
    }
    await m.query(`UPDATE disposal_offers SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  /** Whether the case file already left the live system through a disposal run. */
  async finalOutcome(caseFileId: string, m?: EntityManager): Promise<{ offerId: string; reference: string; outcome: ItemOutcome } | null> {
    const [row] = await this.m(m).query(
      `SELECT offer_id AS "offerId", reference, outcome FROM disposal_offer_items WHERE case_file_id = $1 AND outcome IN ('destroyed', 'archived') LIMIT 1`,
      [caseFileId],
    );
    return row ?? null;
  }

  /** Offers whose execution stopped half-way (items still pending after execute began). */
  async interruptedOffers(): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT DISTINCT o.id FROM disposal_offers o JOIN disposal_offer_items i ON i.offer_id = o.id
        WHERE o.executed_at IS NOT NULL AND (i.outcome = 'pending'
           OR (i.outcome IN ('destroyed', 'archived') AND i.destruction @> '{"objects":[{"removed":false}]}'))`,
    );
    return rows.map((r: { id: string }) => r.id);
  }
}
