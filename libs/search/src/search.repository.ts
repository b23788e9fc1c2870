import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { HIGHLIGHT_START, HIGHLIGHT_STOP } from './snippet';

export interface ParsedTsquery {
  /** What documents must match (text form). */
  tsquery: string;
  /** What the snippet highlights (text form). */
  headline: string;
  /** False when nothing is left for the index to look up (only stop words, only exclusions). */
  indexable: boolean;
}

export interface SearchCriteria {
  /** A validated tsquery in text form. */
  tsquery: string;
  headlineQuery: string;
  /** Departments to search (at least one). */
  departments: string[];
  documentType?: string;
  from?: Date;
  to?: Date;
  /** How many of the newest matches are ranked. */
  candidates: number;
  limit: number;
  offset: number;
  excerptChars: number;
  timeoutMs: number;
}

export interface SearchRow {
  documentId: string;
  caseFileId: string | null;
  reference: string | null;
  title: string;
  documentType: string | null;
  departmentCode: string;
  createdAt: Date;
  rank: number;
  headline: string;
}

export interface SearchRows {
  /** Matches among the candidates (at most `candidates + 1`: one more means "there are more"). */
  matched: number;
  rows: SearchRow[];
}

const HEADLINE_OPTIONS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

/** Searchable documents: filed ones and those waiting in a department's inbox. */
const SEARCHABLE_STATUS = `d.status IN ('filed', 'needs_review')`;

/**
 * Full-text queries over `documents.search_vector` (maintained by triggers, see the
 * DocumentSearch migration).
 *
 * How it stays fast over millions of documents: per department, the newest `candidates + 1`
 * matches are collected first. For a rare word PostgreSQL intersects department and word in the
 * GIN index (btree_gin) and sorts the few hits; for a frequent word it walks the partial
 * (department_code, created_at DESC) index and stops after enough matches. Only these
 * candidates are ranked (ts_rank), and only the returned page gets ts_headline snippets, cut
 * from a bounded excerpt of the text.
 */
@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The tsquery for free text (websearch syntax; plainto_tsquery if that ever fails) and
   * reference lexemes, and a looser one for highlighting: any part of a reference, as the text
   * parser splits it ("32.1.2", "2026/00017"), is marked in the snippet.
   */
  async toTsquery(text: string, references: string[]): Promise<ParsedTsquery> {
    const run = (fn: 'websearch_to_tsquery' | 'plainto_tsquery') =>
      this.dataSource.query(
        `SELECT q::text AS tsquery, querytree(q) AS tree,
                (words || coalesce((SELECT string_agg(quote_literal(x), ' | ') FROM unnest($2::text[]) AS r, unnest(search_reference_lexemes(r)) AS x), '')::tsquery
                       || coalesce((SELECT string_agg(replace(plainto_tsquery('german', r)::text, '<->', '|'), ' | ') FROM unnest($2::text[]) AS r), '')::tsquery
                )::text AS headline
           FROM (SELECT words && refs AS q, words
                   FROM (SELECT CASE WHEN $1 = '' THEN ''::tsquery ELSE ${fn}('german', $1) END AS words,
                                coalesce((SELECT string_agg(quote_literal(r), ' & ') FROM unnest($2::text[]) AS r), '')::tsquery AS refs) AS p) AS t`,
        [text, references],
      ) as Promise<{ tsquery: string; tree: string; headline: string }[]>;
    let rows: { tsquery: string; tree: string; headline: string }[];
    try {
      rows = await run('websearch_to_tsquery');
    } catch {
      rows = await run('plainto_tsquery');
    }
    const { tsquery, tree, headline } = rows[0];
    return { tsquery, headline, indexable: tsquery !== '' && tree !== 'T' && tree !== '' };
  }

  async search(c: SearchCriteria): Promise<SearchRows> {
    return this.dataSource.transaction(async (m) => {
      await this.bound(m, c.timeoutMs);
      const params: unknown[] = [c.tsquery];
      const p = (v: unknown) => `$${params.push(v)}`;
      const filters: string[] = [];
      if (c.documentType) filters.push(`AND d.document_type = ${p(c.documentType)}`);
      if (c.from) filters.push(`AND d.created_at >= ${p(c.from)}`);
      if (c.to) filters.push(`AND d.created_at < ${p(c.to)}`);
      const cap = p(c.candidates + 1);
      const branch = (dept: string) => `
        (SELECT d.id, d.created_at, d.search_vector
           FROM documents d
          WHERE d.department_code = ${p(dept)} AND ${SEARCHABLE_STATUS}
            AND d.search_vector @@ $1::tsquery ${filters.join(' ')}
          ORDER BY d.created_at DESC
          LIMIT ${cap})`;
      const candidates =
        c.departments.length === 1
          ? branch(c.departments[0])
          : `SELECT * FROM (${c.departments.map(branch).join(' UNION ALL ')}) AS u ORDER BY created_at DESC LIMIT ${cap}`;
      const limit = p(c.limit);
      const offset = p(c.offset);
      const excerpt = p(c.excerptChars);
      const options = p(HEADLINE_OPTIONS);
      const highlight = p(c.headlineQuery);
      const rows: Array<{
        matched: number;
        id: string | null;
        case_file_id: string | null;
        reference: string | null;
        title: string;
        document_type: string | null;
        department_code: string;
        created_at: Date;
        rank: number;
        headline: string;
      }> = await m.query(
        `WITH candidates AS MATERIALIZED (${candidates}),
              ranked AS (
                SELECT c.id, c.created_at, ts_rank(c.search_vector, $1::tsquery, 1) AS rank
                  FROM candidates c
                 ORDER BY rank DESC, c.created_at DESC, c.id
                 LIMIT ${limit} OFFSET ${offset})
         SELECT (SELECT count(*)::int FROM candidates) AS matched,
                r.id, d.case_file_id, cf.reference, d.title, d.document_type, d.department_code, r.created_at, r.rank,
                ts_headline('german', coalesce(nullif(left(d.text_content, ${excerpt}), ''), d.title), ${highlight}::tsquery, ${options}) AS headline
           FROM ranked r
           JOIN documents d ON d.id = r.id
           LEFT JOIN case_files cf ON cf.id = d.case_file_id
          UNION ALL
         SELECT (SELECT count(*)::int FROM candidates), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
          WHERE NOT EXISTS (SELECT 1 FROM ranked)
          ORDER BY rank DESC NULLS LAST, created_at DESC, id`,
        params,
      );
      return {
        matched: rows[0]?.matched ?? 0,
        rows: rows
          .filter((r) => r.id !== null)
          .map((r) => ({
            documentId: r.id!,
            caseFileId: r.case_file_id,
            reference: r.reference,
            title: r.title,
            documentType: r.document_type,
            departmentCode: r.department_code,
            createdAt: r.created_at,
            rank: Number(r.rank),
            headline: r.headline,
          })),
      };
    });
  }

  /** A search may not run away: a statement timeout, and no JIT compilation (it costs more than it saves here). */
  private async bound(m: EntityManager, timeoutMs: number): Promise<void> {
    await m.query(`SELECT set_config('statement_timeout', $1, true), set_config('jit', 'off', true)`, [String(Math.floor(timeoutMs))]);
  }
}
