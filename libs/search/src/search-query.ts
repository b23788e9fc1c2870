/**
 * Splitting a caseworker's query into Aktenzeichen tokens and free text.
 *
 * Free text goes through PostgreSQL's `websearch_to_tsquery('german', …)` (quotes for phrases,
 * `-word` to exclude, `or`). Aktenzeichen-like tokens (`32.1.2-2026/00017`, `2026/00017`,
 * `32.1.2`) are matched as whole lexemes, because the indexer stores references that way and the
 * text parser would cut `32.1.2-2026/00017` into three pieces.
 */
export interface ParsedSearchQuery {
  /** Free text for websearch_to_tsquery (may be empty). */
  text: string;
  /** Normalised references (lower case, no spaces), each one a required lexeme. */
  references: string[];
}

/** Digits first, then at least one `.`, `-` or `/` separated part: 32.1.2-2026/00017, 2026/00017, 32.1.2. */
const REFERENCE_TOKEN = /^[0-9][0-9a-z]*(?:[.\-/][0-9a-z]+)+$/i;

const REFERENCE_LABEL = /^(az|gz|aktenzeichen|geschäftszeichen|zeichen|ihr|unser)[.:]*$/i;

export function parseSearchQuery(q: string): ParsedSearchQuery {
  // "32.1.2 - 2026 / 00017" (as typed from a letter) → "32.1.2-2026/00017"
  const joined = q.trim().replace(/(\d)\s*([-/])\s*(\d)/g, '$1$2$3');
  const references: string[] = [];
  const words: string[] = [];
  for (const token of joined.split(/\s+/).filter(Boolean)) {
    // a reference quoted after "Az." or in parentheses still counts
    const bare = token.replace(/^[("'„»]+|[)"'“«,;:.]+$/g, '');
    if (REFERENCE_TOKEN.test(bare) && /\d/.test(bare)) references.push(bare.toLowerCase());
    else words.push(token);
  }
  // "Az. 32.1.2-2026/00017": the label only says that a reference follows
  const text = references.length ? words.filter((w) => !REFERENCE_LABEL.test(w)) : words;
  return { text: text.join(' '), references: [...new Set(references)] };
}
