import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { HIGHLIGHT_START, HIGHLIGHT_STOP } from './snippet';

export interface ParsedTsquery {
  /** What documents must match (text form). */
  tsquery: string;
  /** What ranking weighs: every positive word, OR-ed (text form). */
  rank: string;
  /** What the snippet highlights (text form). */
  headline: string;
  /** False when nothing is left for the index to look up (only stop words, only exclusions). */
  indexable: boolean;
}

export interface SearchCriteria {
  /** A validated tsquery in text form. */
  tsquery: string;
  /** The same with OR between all words, for ranking. */
  rankQuery: string;
  headlineQuery: string;
  /** The present (newest month searched first, unless `to` is earlier). */
  now: Date;
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

/** Widening stops here: beyond it the whole department is searched at once. */
const MAX_WINDOW_MONTHS = 36;

/** `@m:YYYY-MM` lexemes (see the SearchTimeBuckets migration) of `months` months back from `anchor`. */
export function monthLexemes(anchor: Date, months: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < months; i++) {
    const d = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() - i, 1));
    out.push(`@m:${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

/**
 * Full-text queries over `documents.search_vector` (maintained by triggers, see the
 * DocumentSearch and SearchTimeBuckets migrations).
 *
 * How it stays fast over millions of documents:
 * 1. Candidates: per department, the newest `candidates + 1` matches. The GIN index on
 *    (department_code, search_vector) is asked for the newest months first (each vector carries
 *    its month as a lexeme); the window widens by the observed density of matches until it holds
 *    enough of them, or becomes the whole department. A frequent word thus costs a month or two
 *    of one department, a rare word one index lookup; heap rows are read only for matches inside
 *    the window, and no large vector is decompressed.
 * 2. Ranking: the candidates by ts_rank over a small vector of title (A) and type (B), computed on
 *    the fly, then by recency. The body text decides what matches, title and type decide the order.
 * 3. Snippets: ts_headline only for the returned page, over a bounded excerpt of the text.
 */
@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The tsquery for free text (websearch syntax; plainto_tsquery if that ever fails) and
   * reference lexemes; the same with every operator turned into OR for ranking; and a looser one
   * for highlighting: any part of a reference, as the text parser splits it ("32.1.2",
   * "2026/00017"), is marked in the snippet.
   */
  async toTsquery(text: string, references: string[]): Promise<ParsedTsquery> {
    const run = (fn: 'websearch_to_tsquery' | 'plainto_tsquery') =>
      this.dataSource.query(
        `SELECT q::text AS tsquery, querytree(q) AS tree,
                regexp_replace(querytree(q), '\\s(&|<->|<[0-9]+>)\\s', ' | ', 'g') AS rank,
                (words || coalesce((SELECT string_agg(quote_literal(x), ' | ') FROM unnest($2::text[]) AS r, unnest(search_reference_lexemes(r)) AS x), '')::tsquery
                       || coalesce((SELECT string_agg(replace(plainto_tsquery('german', r)::text, '<->', '|'), ' | ') FROM unnest($2::text[]) AS r), '')::tsquery
                )::text AS headline
           FROM (SELECT words && refs AS q, words
                   FROM (SELECT CASE WHEN $1 = '' THEN ''::tsquery ELSE ${fn}('german', $1) END AS words,
                                coalesce((SELECT string_agg(quote_literal(r), ' & ') FROM unnest($2::text[]) AS r), '')::tsquery AS refs) AS p) AS t`,
        [text, references],
      ) as Promise<{ tsquery: string; tree: string; rank: string; headline: string }[]>;
    let rows: { tsquery: string; tree: string; rank: string; headline: string }[];
    try {
      rows = await run('websearch_to_tsquery');
    } catch {
      rows = await run('plainto_tsquery');
    }
    const { tsquery, tree, rank, headline } = rows[0];
    const indexable = tsquery !== '' && tree !== 'T' && tree !== '';
    return { tsquery, rank: indexable ? rank : '', headline, indexable };
  }

  async search(c: SearchCriteria): Promise<SearchRows> {
    return this.dataSource.transaction(async (m) => {
      await this.bound(m, c.timeoutMs);
      const found: Candidate[] = [];
      for (const department of c.departments) found.push(...(await this.newestMatches(m, department, c)));
      const candidates = found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : 1)).slice(0, c.candidates + 1);
      if (!candidates.length) return { matched: 0, rows: [] };
      await m.query(`SELECT set_config('enable_indexscan', 'on', true), set_config('enable_seqscan', 'on', true)`);
      const rows: Array<{
        id: string;
        case_file_id: string | null;
        reference: string | null;
        title: string;
        document_type: string | null;
        department_code: string;
        created_at: Date;
        rank: number;
        headline: string;
      }> = await m.query(
        `WITH ranked AS (
           SELECT d.id, d.created_at, ts_rank(document_search_head(d.title, d.document_type), $2::tsquery) AS rank
             FROM documents d
            WHERE d.id = ANY($1::uuid[])
            ORDER BY rank DESC, d.created_at DESC, d.id
            LIMIT $3 OFFSET $4)
         SELECT r.id, d.case_file_id, cf.reference, d.title, d.document_type, d.department_code, r.created_at, r.rank,
                ts_headline('german', coalesce(nullif(left(d.text_content, $5), ''), d.title), $6::tsquery, $7) AS headline
           FROM ranked r
           JOIN documents d ON d.id = r.id
           LEFT JOIN case_files cf ON cf.id = d.case_file_id
          ORDER BY r.rank DESC, r.created_at DESC, r.id`,
        [candidates.slice(0, c.candidates).map((x) => x.id), c.rankQuery, c.limit, c.offset, c.excerptChars, c.headlineQuery, HEADLINE_OPTIONS],
      );
      return {
        matched: candidates.length,
        rows: rows.map((r) => ({
          documentId: r.id,
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

  /** The newest `candidates + 1` matches of one department, widening a window of months as needed. */
  private async newestMatches(m: EntityManager, department: string, c: SearchCriteria): Promise<Candidate[]> {
    const anchor = c.to ? new Date(c.to.getTime() - 1) : c.now;
    let months = 2;
    for (;;) {
      const oldest = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() - months + 1, 1));
      const whole = months > MAX_WINDOW_MONTHS || (c.from !== undefined && oldest <= c.from);
      const query = whole ? c.tsquery : `(${c.tsquery}) & (${monthLexemes(anchor, months).map((l) => `'${l}'`).join(' | ')})`;
      const params: unknown[] = [department, query];
      const p = (v: unknown) => `$${params.push(v)}`;
      const filters: string[] = [];
      if (c.documentType) filters.push(`AND d.document_type = ${p(c.documentType)}`);
      if (c.from) filters.push(`AND d.created_at >= ${p(c.from)}`);
      if (c.to) filters.push(`AND d.created_at < ${p(c.to)}`);
      const rows: Array<{ id: string; created_at: Date }> = await m.query(
        `SELECT d.id, d.created_at
           FROM documents d
          WHERE d.department_code = $1 AND ${SEARCHABLE_STATUS}
            AND d.search_vector @@ $2::tsquery ${filters.join(' ')}
          ORDER BY d.created_at DESC
          LIMIT ${p(c.candidates + 1)}`,
        params,
      );
      if (whole || rows.length > c.candidates) return rows.map((r) => ({ id: r.id, createdAt: r.created_at }));
      // widen by the density seen so far (with a margin), at least fourfold when nothing matched
      months = rows.length === 0 ? months * 6 : Math.max(months + 1, Math.ceil(((months * (c.candidates + 1)) / rows.length) * 1.5));
    }
  }

  /**
   * A search may not run away: a statement timeout; no JIT (it costs more than it saves here);
   * bitmaps that stay exact; and GIN bitmap scans only, never a walk over a B-tree that checks
   * (and decompresses) one large vector after another.
   */
  private async bound(m: EntityManager, timeoutMs: number): Promise<void> {
    await m.query(
      `SELECT set_config('statement_timeout', $1, true), set_config('jit', 'off', true), set_config('work_mem', '32MB', true),
              set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)`,
      [String(Math.floor(timeoutMs))],
    );
  }
}

interface Candidate {
  id: string;
  createdAt: Date;
}
