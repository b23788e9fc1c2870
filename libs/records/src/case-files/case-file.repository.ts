import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { pgPool } from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import { TickBatcher } from '@app/common';
import { CaseFile } from './case-file.entity';
import type { VorgangView } from '../vorgaenge/vorgang.dto';
import { ANCHOR_EVERY, PageAnchorCache, PageAnchors, PageCache, PageStart, pageStart } from './case-file-page-anchors';

interface ListQuery {
  /** Which filters are set (d, D, r, s): names the prepared statements. */
  shape: string;
  condition: string;
  values: unknown[];
}

export interface CaseFileFilter {
  reference?: string;
  departments: string[] | null;
  status?: string;
  /** A file plan unit: its own case files and those of the units below it. */
  filePlanCode?: string;
  /** Words that must each occur in the reference or the title (case-insensitive). */
  text?: string;
  offset: number;
  limit: number;
}

/**
 * A case file as the API shows it: plain columns, timestamps as ISO 8601 UTC text with milliseconds
 * (exactly what `Date#toISOString` writes for them). Read straight from SQL on the hot read paths,
 * without entity hydration.
 */
export interface CaseFileView {
  id: string;
  reference: string;
  title: string;
  departmentCode: string;
  filePlanCode: string;
  confidentiality: string;
  status: string;
  openedAt: string;
  closedAt: string | null;
  retainUntil: string | null;
}

/** A document of a case file as the case file shows it (same timestamp text as {@link CaseFileView}). */
export interface DocumentSummaryView {
  id: string;
  /** The Vorgang of the case file the document belongs to, if any. */
  vorgangId: string | null;
  title: string;
  documentType: string | null;
  status: string;
  currentVersion: number;
  createdAt: string;
}

/** A case file as it is opened: its documents (oldest first) and its Vorgänge (by number). */
export interface CaseFileWithContents {
  caseFile: CaseFileView;
  documents: DocumentSummaryView[];
  vorgaenge: VorgangView[];
}

/** timestamptz as `Date#toISOString` text (PostgreSQL's MS truncates microseconds like Date does). */
const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const VIEW_COLUMNS = `c.id, c.reference, c.title, c.department_code AS "departmentCode", c.file_plan_code AS "filePlanCode",
  c.confidentiality, c.status, ${isoText('c.opened_at')} AS "openedAt", ${isoText('c.closed_at')} AS "closedAt",
  ${isoText('c.retain_until')} AS "retainUntil"`;

/** Case files (by id) with their documents (oldest first), a row each. */
const VIEWS_WITH_DOCUMENTS = `SELECT ${VIEW_COLUMNS},
  (SELECT coalesce(json_agg(json_build_object('id', d.id, 'vorgangId', d.vorgang_id, 'title', d.title, 'documentType', d.document_type, 'status', d.status,
            'currentVersion', d.current_version, 'createdAt', ${isoText('d.created_at')}) ORDER BY d.created_at, d.id), '[]'::json)
     FROM documents d WHERE d.case_file_id = c.id) AS documents,
  (SELECT coalesce(json_agg(json_build_object('id', v.id, 'caseFileId', v.case_file_id, 'number', v.number, 'reference', v.reference, 'title', v.title,
            'status', v.status, 'openedAt', ${isoText('v.opened_at')}, 'closedAt', ${isoText('v.closed_at')}) ORDER BY v.number), '[]'::json)
     FROM vorgaenge v WHERE v.case_file_id = c.id) AS vorgaenge
  FROM case_files c WHERE c.id = ANY($1::uuid[])`;

/** Total and version of departments' lists ($1: department codes); `*` stands for all departments. */
const LIST_VERSIONS = `SELECT k.key, coalesce(sum(n.n), 0)::int AS total, coalesce(sum(n.changes), 0)::text AS version
    FROM unnest($1::text[]) AS k(key) LEFT JOIN case_file_counts n ON k.key = '*' OR n.department_code = k.key
   GROUP BY k.key`;

/**
 * Any UUID PostgreSQL stores, as lower-case text: ids made elsewhere (imports, md5-derived) need not
 * carry an RFC 4122 version, so class-validator's `isUUID` is too strict here (`ParseUUIDPipe` is not).
 */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** LIKE pattern text for a literal string (`\` is PostgreSQL's default escape). */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The words of a text filter, lower-cased (at most 8; whitespace separates them). */
export function textTerms(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set(text.toLowerCase().split(/\s+/).filter(Boolean))].slice(0, 8);
}

interface ListVersion {
  total: number;
  version: string;
}

@Injectable()
export class CaseFileRepository {
  private readonly anchors = new PageAnchorCache();
  private readonly pages = new PageCache<CaseFileView>();

  /**
   * Concurrent requests share round trips: the case files opened, and the list versions asked for,
   * while the event loop handled one round of I/O are read with one statement each.
   */
  private readonly views = new TickBatcher<string, CaseFileWithContents>(async (ids) => {
    const { rows } = await this.pool.query({ name: 'case_files.views_with_documents.v2', text: VIEWS_WITH_DOCUMENTS, values: [ids] });
    return new Map(rows.map(({ documents, vorgaenge, ...caseFile }) => [caseFile.id, { caseFile, documents, vorgaenge }]));
  });
  private readonly listVersions = new TickBatcher<string, ListVersion>(async (keys) => {
    const { rows } = await this.pool.query({ name: 'case_files.list_versions', text: LIST_VERSIONS, values: [keys] });
    return new Map(rows.map((r) => [r.key, { total: r.total, version: r.version }]));
  });

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return pgPool(this.dataSource);
  }

  /** The case file with its document summaries and its Vorgänge, or null. */
  async findViewWithDocuments(id: string): Promise<CaseFileWithContents | null> {
    const key = id.toLowerCase();
    // a key PostgreSQL cannot read would fail the whole batch, other requests' reads with it
    if (!UUID_TEXT.test(key)) return null;
    return (await this.views.load(key)) ?? null;
  }

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  findById(id: string, m?: EntityManager): Promise<CaseFile | null> {
    return this.manager(m).getRepository(CaseFile).findOne({ where: { id } });
  }

  /** Locks the row until the transaction ends (closing, filing and holds serialise on it). */
  findByIdForUpdate(m: EntityManager, id: string): Promise<CaseFile | null> {
    return m.getRepository(CaseFile).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
  }

  findByReference(reference: string, m?: EntityManager): Promise<CaseFile | null> {
    return this.manager(m).getRepository(CaseFile).findOne({ where: { reference } });
  }

  /**
   * A page of case files (filters combined with AND; newest opened first, then by id) and the
   * total, in plain SQL, one round trip in the usual case:
   * - the total comes from case_file_counts (kept by triggers in the same transaction as every
   *   change), read in the same statement as the page, so it is exact; only a `reference` filter
   *   counts rows (at most one: references are unique);
   * - a department's list (or the list of all departments) starts its index scan at the nearest
   *   remembered key before the page ({@link PageAnchorCache}) instead of skipping every row before
   *   it; the list's version read with the page proves the keys still hold, otherwise the page is
   *   read again with fresh keys, and failing that with a plain OFFSET;
   * - such a page, once read, is kept ({@link PageCache}) and served again while the list's
   *   version (read for every request, with the total) is unchanged.
   */
  async listViews(f: CaseFileFilter): Promise<{ items: CaseFileView[]; total: number }> {
    const where: string[] = [];
    const values: unknown[] = [];
    let shape = '';
    // one department as `=`, so that the (department_code, opened_at DESC, id) index yields the
    // page in order; `= ANY(...)` cannot
    if (f.departments?.length === 1) {
      values.push(f.departments[0]);
      where.push(`department_code = $${values.length}`);
      shape += 'd';
    } else if (f.departments) {
      values.push(f.departments);
      where.push(`department_code = ANY($${values.length})`);
      shape += 'D';
    }
    if (f.reference) {
      values.push(f.reference);
      where.push(`reference = $${values.length}`);
      shape += 'r';
    }
    if (f.status) {
      values.push(f.status);
      where.push(`status = $${values.length}`);
      shape += 's';
    }
    if (f.filePlanCode) {
      values.push(f.filePlanCode, `${escapeLike(f.filePlanCode)}.%`);
      where.push(`(file_plan_code = $${values.length - 1} OR file_plan_code LIKE $${values.length})`);
      shape += 'p';
    }
    const terms = textTerms(f.text);
    if (terms.length) {
      // one parameter per term: the statement's shape (its prepared name) counts them
      for (const term of terms) {
        values.push(`%${escapeLike(term)}%`);
        where.push(`lower(reference || ' ' || title) LIKE $${values.length}`);
      }
      shape += `q${terms.length}`;
    }
    const list: ListQuery = { shape, condition: where.length ? `WHERE ${where.join(' AND ')}` : '', values };
    if (shape === '' || shape === 'd') {
      const key = `${shape}:${shape ? f.departments![0] : ''}`;
      const pageKey = `${key}:${f.offset}:${f.limit}`;
      const cached = this.pages.get(pageKey);
      if (cached) {
        const now = (await this.listVersions.load(shape ? f.departments![0] : '*'))!;
        if (now.version === cached.version) return { items: [...cached.items], total: now.total };
      }
      for (let attempt = 0; attempt < 2; attempt++) {
        const anchors = this.anchors.get(key) ?? (await this.anchors.load(key, () => this.readAnchors(list)));
        const page = await this.readPage(list, f.limit, pageStart(anchors, f.offset));
        if (page.version === anchors.version) {
          this.pages.set(pageKey, page.version, page.items);
          return { items: [...page.items], total: page.total };
        }
        this.anchors.invalidate(key, anchors.version);
      }
    }
    return this.readPage(list, f.limit, { key: null, skip: f.offset });
  }

  /** The total and the list's version (see the case_file_counts migration), as the first part of a statement. */
  private totals(list: ListQuery): string {
    // case_file_counts knows departments and statuses only: other filters count their rows
    if (/[rpq]/.test(list.shape)) return `SELECT count(*)::int AS total, NULL::text AS version FROM case_files ${list.condition}`;
    return `SELECT coalesce(sum(n), 0)::int AS total, coalesce(sum(changes), 0)::text AS version FROM case_file_counts ${list.condition}`;
  }

  private async readPage(list: ListQuery, limit: number, start: PageStart): Promise<{ items: CaseFileView[]; total: number; version: string | null }> {
    const values = [...list.values];
    let page: string;
    if (start.key) {
      // from a remembered key: fewer than ANCHOR_EVERY rows to skip, so the rows are read straight
      // from the index scan
      values.push(start.key.openedAt, start.key.id, limit, start.skip);
      const [at, id] = [`$${values.length - 3}::timestamptz`, `$${values.length - 2}::uuid`];
      page = `SELECT ${VIEW_COLUMNS}, c.opened_at FROM case_files c ${list.condition ? `${list.condition} AND` : 'WHERE'} opened_at <= ${at} AND (opened_at < ${at} OR id >= ${id})
               ORDER BY c.opened_at DESC, c.id LIMIT $${values.length - 1} OFFSET $${values.length}`;
    } else {
      // deferred join: the skipped entries come from the index alone, only the page's rows are read
      values.push(limit, start.skip);
      page = `SELECT ${VIEW_COLUMNS}, c.opened_at FROM case_files c
                JOIN (SELECT id FROM case_files ${list.condition} ORDER BY opened_at DESC, id LIMIT $${values.length - 1} OFFSET $${values.length}) k ON k.id = c.id`;
    }
    const { rows } = await this.pool.query({
      name: `case_files.list.${list.shape}${start.key ? '.anchored' : ''}`,
      text: `WITH v AS (${this.totals(list)})
             SELECT v.total, v.version, p.id, p.reference, p.title, p."departmentCode", p."filePlanCode", p.confidentiality, p.status,
                    p."openedAt", p."closedAt", p."retainUntil"
               FROM v LEFT JOIN (${page}) p ON true
              ORDER BY p.opened_at DESC, p.id`,
      values,
    });
    const { total, version } = rows[0];
    const items: CaseFileView[] = [];
    for (const { total: _t, version: _v, ...item } of rows) if (item.id !== null) items.push(item);
    return { items, total, version };
  }

  /** Every ANCHOR_EVERY-th key of the list, with the version they belong to (one statement, one snapshot). */
  private async readAnchors(list: ListQuery): Promise<PageAnchors> {
    const { rows } = await this.pool.query({
      name: `case_files.list_anchors.${list.shape}`,
      text: `WITH v AS (${this.totals(list)})
             SELECT v.version, a.opened, a.ids FROM v, (
               SELECT coalesce(array_agg(o ORDER BY rn), '{}') AS opened, coalesce(array_agg(id ORDER BY rn), '{}') AS ids
                 FROM (SELECT opened_at::text AS o, id::text AS id, row_number() OVER (ORDER BY opened_at DESC, id) - 1 AS rn
                         FROM case_files ${list.condition}) k
                WHERE rn % ${ANCHOR_EVERY} = 0) a`,
      values: list.values,
    });
    return { version: rows[0].version, openedAt: rows[0].opened, ids: rows[0].ids };
  }

  /** Next running number within a reference scope (atomic across replicas). */
  async nextSequence(m: EntityManager, scope: string): Promise<number> {
    const [row] = await m.query(
      `INSERT INTO reference_counters (scope, value) VALUES ($1, 1)
       ON CONFLICT (scope) DO UPDATE SET value = reference_counters.value + 1 RETURNING value`,
      [scope],
    );
    return row.value;
  }

  /** Moves case files to a life-cycle state (closed, due, offered, handed_over …) inside the caller's transaction. */
  async setStatus(m: EntityManager, ids: string[], status: string, now: Date): Promise<void> {
    if (!ids.length) return;
    await m.query('UPDATE case_files SET status = $2, updated_at = $3 WHERE id = ANY($1::uuid[])', [ids, status, now]);
  }

  save(m: EntityManager, c: CaseFile): Promise<CaseFile> {
    return m.getRepository(CaseFile).save(c);
  }

  create(m: EntityManager, c: Partial<CaseFile>): CaseFile {
    return m.getRepository(CaseFile).create(c);
  }
}
