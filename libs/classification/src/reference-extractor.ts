/**
 * Finds Aktenzeichen (file references) in OCR text. Letters quote them after labels such as
 * "Ihr Zeichen", "Unser Zeichen", "Aktenzeichen", "Az.", "Geschäftszeichen" or in the subject
 * line ("Betreff"). OCR confuses O/0, l/1/I, S/5, B/8, Z/2, puts spaces around separators and
 * turns hyphens into dashes; the extractor undoes that before matching the configured pattern.
 * Candidates are only hints: a document is filed only when one matches an existing case file.
 */
export interface ReferenceCandidate {
  /** The reference, normalised and re-formatted to the configured pattern (e.g. 32.1.2-2026/00017). */
  reference: string;
  /** The text as it appeared in the letter. */
  raw: string;
  /** The label that introduced it, if any ("Ihr Zeichen", "Az.", "Betreff"…). */
  label: string | null;
}

export interface ReferenceParts {
  filePlanCode?: string;
  departmentCode?: string;
  year?: number;
  seq: number;
}

const LABELS: Array<[RegExp, string]> = [
  [/ihr(?:e)?\s*(?:zeichen|az\.?|aktenzeichen|schreiben)/i, 'Ihr Zeichen'],
  [/unser\s*(?:zeichen|az\.?|aktenzeichen)/i, 'Unser Zeichen'],
  [/gesch[äa]ftszeichen/i, 'Geschäftszeichen'],
  [/aktenzeichen/i, 'Aktenzeichen'],
  [/\baz\b\.?/i, 'Az.'],
  [/betreff|betr\./i, 'Betreff'],
];

const TOKEN = /\{(filePlanCode|departmentCode|year|seq(?::(\d{1,2}))?)\}/g;
const DASHES = /[\u2010-\u2015\u2212\u00ad~]/g;
const DIGITISH = '0-9OoQDlI|i!SBZ';
const CONFUSIONS: Record<string, string> = { O: '0', o: '0', Q: '0', D: '0', l: '1', I: '1', '|': '1', i: '1', '!': '1', S: '5', B: '8', Z: '2' };

export class ReferenceExtractor {
  private readonly strict: RegExp;
  private readonly groups: string[] = [];
  private readonly seqWidth: number;

  /** @param pattern REFERENCE_PATTERN, e.g. `{filePlanCode}-{year}/{seq:5}`. */
  constructor(private readonly pattern: string) {
    let seqWidth = 1;
    const source = pattern
      .split(TOKEN)
      .reduce<string[]>((acc, part, i, all) => {
        // split() with two capture groups yields [literal, name, width, literal, name, width, …]
        if (i % 3 === 0) acc.push(part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        else if (i % 3 === 1) {
          this.groups.push(part.startsWith('seq') ? 'seq' : part);
          if (part.startsWith('seq')) seqWidth = all[i + 1] ? Number(all[i + 1]) : 1;
          acc.push(
            part === 'filePlanCode'
              ? '(\\d{1,3}(?:\\.\\d{1,3}){0,5})'
              : part === 'departmentCode'
                ? '(\\d{1,3})'
                : part === 'year'
                  ? '((?:19|20)\\d\\d)'
                  : '(\\d{1,9})',
          );
        }
        return acc;
      }, [])
      .join('');
    this.seqWidth = seqWidth;
    this.strict = new RegExp(`(?<![\\d.])${source}(?![\\d])`, 'g');
  }

  /** Every distinct reference-shaped string in the text, normalised; labelled ones first. */
  extract(text: string): ReferenceCandidate[] {
    const found = new Map<string, ReferenceCandidate>();
    const span = new RegExp(`[${DIGITISH}][${DIGITISH}.,:;/\\- \\t]{4,60}`, 'g');
    const prepared = text.replace(DASHES, '-').replace(/\r/g, '');
    for (const m of prepared.matchAll(span)) {
      const raw = m[0];
      if (!/\d/.test(raw)) continue;
      const normalized = normalizeSpan(raw);
      for (const hit of normalized.matchAll(this.strict)) {
        const parts = this.partsOf(hit);
        if (!parts) continue;
        const reference = this.format(parts);
        if (found.has(reference)) continue;
        found.set(reference, { reference, raw: raw.trim(), label: labelBefore(prepared, m.index ?? 0) });
      }
    }
    return [...found.values()].sort((a, b) => Number(b.label !== null) - Number(a.label !== null));
  }

  private partsOf(hit: RegExpMatchArray): ReferenceParts | null {
    const parts: ReferenceParts = { seq: 0 };
    this.groups.forEach((g, i) => {
      const v = hit[i + 1];
      if (g === 'seq') parts.seq = Number(v);
      else if (g === 'year') parts.year = Number(v);
      else if (g === 'filePlanCode') parts.filePlanCode = v;
      else parts.departmentCode = v;
    });
    if (!parts.seq) return null;
    return parts;
  }

  /** The canonical reference (running number zero-padded as the pattern says). */
  format(parts: ReferenceParts): string {
    return this.pattern.replace(TOKEN, (_, name: string) =>
      name.startsWith('seq')
        ? String(parts.seq).padStart(this.seqWidth, '0')
        : String(name === 'year' ? parts.year : name === 'filePlanCode' ? parts.filePlanCode : parts.departmentCode),
    );
  }
}

/** Digit look-alikes to digits, commas to dots, no spaces around separators. */
function normalizeSpan(raw: string): string {
  let s = raw.replace(/[OoQDlI|i!SBZ]/g, (c) => CONFUSIONS[c] ?? c);
  s = s.replace(/,/g, '.');
  s = s.replace(/\s*([./-])\s*/g, '$1');
  // a line break or double space ends a reference
  s = s.replace(/\s{2,}|\n/g, ' | ');
  return s;
}

function labelBefore(text: string, index: number): string | null {
  const lineStart = Math.max(text.lastIndexOf('\n', index - 1) + 1, index - 60);
  const before = text.slice(lineStart, index);
  for (const [re, label] of LABELS) if (re.test(before)) return label;
  return null;
}
