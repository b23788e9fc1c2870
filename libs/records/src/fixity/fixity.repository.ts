import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type FixityKind = 'mismatch' | 'missing';

/** One stored file to re-hash, with what identifies its document version. */
export interface FixityFile {
  fileId: string;
  versionId: string;
  documentId: string;
  versionNo: number;
  caseFileId: string | null;
  variant: string;
  storageKey: string;
  sha256: string;
  size: number;
}

export interface FixityFinding {
  fileId: string;
  kind: FixityKind;
  resolvedAt: Date | null;
}

export interface ClaimedSlice {
  files: FixityFile[];
  round: number;
  /** True when this slice reaches the end of the files: the next one starts a new round. */
  roundCompleted: boolean;
}

/** How long a claimed slice stays reserved for the worker checking it (a crashed one is taken again after this). */
export const FIXITY_LEASE_MS = 30 * 60_000;

@Injectable()
export class FixityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Reserves the next `size` files after the remembered cursor (keyset on the primary key) under a
   * lease; null while another slice holds it. The cursor itself moves in {@link completeSlice}, so
   * a slice that failed (storage unreachable) or crashed is checked again, not skipped.
   */
  claimSlice(size: number, leaseMs = FIXITY_LEASE_MS): Promise<ClaimedSlice | null> {
    return this.dataSource.transaction(async (m) => {
      const [state] = await m.query(`SELECT cursor_file_id, round, lease_until > now() AS leased FROM fixity_sweep_state WHERE id FOR UPDATE`);
      if (state.leased) return null;
      const rows: Array<Record<string, unknown>> = await m.query(
        `SELECT f.id, f.version_id, v.document_id, v.version_no, d.case_file_id, f.variant, f.storage_key, f.sha256, f.size
           FROM document_files f
           JOIN document_versions v ON v.id = f.version_id
           JOIN documents d ON d.id = v.document_id
          WHERE $1::uuid IS NULL OR f.id > $1::uuid
          ORDER BY f.id
          LIMIT $2`,
        [state.cursor_file_id, size],
      );
      const roundCompleted = rows.length < size;
      await m.query(`UPDATE fixity_sweep_state SET lease_until = now() + make_interval(secs => $1), updated_at = now() WHERE id`, [leaseMs / 1000]);
      return {
        round: state.round,
        roundCompleted,
        files: rows.map((r) => ({
          fileId: r.id as string,
          versionId: r.version_id as string,
          documentId: r.document_id as string,
          versionNo: Number(r.version_no),
          caseFileId: (r.case_file_id as string | null) ?? null,
          variant: r.variant as string,
          storageKey: r.storage_key as string,
          sha256: (r.sha256 as string).trim(),
          size: Number(r.size),
        })),
      };
    });
  }

  /** Moves the cursor past a checked slice (to the start when it completed the round) and ends the lease. */
  async completeSlice(m: EntityManager, slice: ClaimedSlice): Promise<void> {
    const last = slice.files[slice.files.length - 1];
    await m.query(
      `UPDATE fixity_sweep_state
          SET cursor_file_id = $1,
              round = round + $2::int,
              round_started_at = CASE WHEN $2::int = 1 THEN now() ELSE round_started_at END,
              last_round_completed_at = CASE WHEN $2::int = 1 THEN now() ELSE last_round_completed_at END,
              files_checked = files_checked + $3,
              lease_until = NULL,
              updated_at = now()
        WHERE id`,
      [slice.roundCompleted ? null : last.fileId, slice.roundCompleted ? 1 : 0, slice.files.length],
    );
  }

  /** Gives a slice back unchecked (its check failed): the next run takes the same files. */
  async releaseSlice(): Promise<void> {
    await this.dataSource.query(`UPDATE fixity_sweep_state SET lease_until = NULL, updated_at = now() WHERE id`);
  }

  /** Where the sweep stands, for metrics. */
  async progress(): Promise<{ round: number; lastRoundCompletedAt: Date | null }> {
    const [r] = await this.dataSource.query(`SELECT round, last_round_completed_at FROM fixity_sweep_state WHERE id`);
    return { round: Number(r.round), lastRoundCompletedAt: r.last_round_completed_at ?? null };
  }

  /** Findings of these files, locked; and which of the files still exist (disposal may have removed some meanwhile). */
  async lockFindings(m: EntityManager, fileIds: string[]): Promise<{ findings: Map<string, FixityFinding>; existing: Set<string> }> {
    const existing: Array<{ id: string }> = await m.query(`SELECT id FROM document_files WHERE id = ANY($1::uuid[]) FOR KEY SHARE`, [fileIds]);
    const rows: Array<{ file_id: string; kind: FixityKind; resolved_at: Date | null }> = await m.query(
      `SELECT file_id, kind, resolved_at FROM fixity_findings WHERE file_id = ANY($1::uuid[]) FOR UPDATE`,
      [fileIds],
    );
    return {
      existing: new Set(existing.map((r) => r.id)),
      findings: new Map(rows.map((r) => [r.file_id, { fileId: r.file_id, kind: r.kind, resolvedAt: r.resolved_at }])),
    };
  }

  async openFinding(m: EntityManager, f: { fileId: string; kind: FixityKind; expectedSha256: string; foundSha256: string | null; foundSize: number | null }): Promise<void> {
    await m.query(
      `INSERT INTO fixity_findings (file_id, kind, expected_sha256, found_sha256, found_size)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (file_id) DO UPDATE
         SET kind = EXCLUDED.kind, expected_sha256 = EXCLUDED.expected_sha256, found_sha256 = EXCLUDED.found_sha256,
             found_size = EXCLUDED.found_size, detected_at = now(), last_checked_at = now(), resolved_at = NULL`,
      [f.fileId, f.kind, f.expectedSha256, f.foundSha256, f.foundSize],
    );
  }

  async touchFindings(m: EntityManager, fileIds: string[]): Promise<void> {
    if (fileIds.length) await m.query(`UPDATE fixity_findings SET last_checked_at = now() WHERE file_id = ANY($1::uuid[])`, [fileIds]);
  }

  async resolveFinding(m: EntityManager, fileId: string): Promise<void> {
    await m.query(`UPDATE fixity_findings SET resolved_at = now(), last_checked_at = now() WHERE file_id = $1`, [fileId]);
  }

  /** Open findings per kind (a small table; read at scrape time). */
  async openCounts(): Promise<Record<FixityKind, number>> {
    const rows: Array<{ kind: FixityKind; n: string }> = await this.dataSource.query(`SELECT kind, count(*) AS n FROM fixity_findings WHERE resolved_at IS NULL GROUP BY kind`);
    const out: Record<FixityKind, number> = { mismatch: 0, missing: 0 };
    for (const r of rows) out[r.kind] = Number(r.n);
    return out;
  }
}
