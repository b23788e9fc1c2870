/** Letter date and sender from OCR text (heuristics for German business letters). */
const MONTHS: Record<string, number> = {
  januar: 1, jan: 1, jänner: 1, februar: 2, feb: 2, märz: 3, maerz: 3, mrz: 3, april: 4, apr: 4, mai: 5, juni: 6, jun: 6,
  juli: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9, oktober: 10, okt: 10, november: 11, nov: 11, dezember: 12, dez: 12,
};

const NUMERIC_DATE = /\b([0-3]?\d)\s?\.\s?([01]?\d)\s?\.\s?((?:19|20)\d\d)\b/g;
const WORD_DATE = /\b([0-3]?\d)\.\s*(januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember|jan|feb|mrz|apr|jun|jul|aug|sept?|okt|nov|dez)\.?\s+((?:19|20)\d\d)\b/gi;

function isoDate(d: number, m: number, y: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * The letter's date: a date introduced by "Datum" or "<Ort>, den" wins; otherwise the first date
 * in the first third of the text (dates further down are usually those the letter refers to).
 */
export function extractLetterDate(text: string): string | null {
  const found: Array<{ iso: string; index: number; labelled: boolean }> = [];
  const collect = (re: RegExp, toParts: (m: RegExpMatchArray) => [number, number, number]) => {
    for (const m of text.matchAll(re)) {
      const [d, mo, y] = toParts(m);
      const iso = isoDate(d, mo, y);
      if (!iso) continue;
      const before = text.slice(Math.max(0, (m.index ?? 0) - 25), m.index);
      found.push({ iso, index: m.index ?? 0, labelled: /(datum|,\s*den|,\s*am)\s*:?\s*$/i.test(before) || /^[A-ZÄÖÜ][\p{L}-]+(?: [\p{L}.-]+)?,\s*$/u.test(before.split('\n').pop() ?? '') });
    }
  };
  collect(NUMERIC_DATE, (m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
  collect(WORD_DATE, (m) => [Number(m[1]), MONTHS[m[2].toLowerCase().replace(/\.$/, '')] ?? 0, Number(m[3])]);
  if (!found.length) return null;
  const labelled = found.filter((f) => f.labelled).sort((a, b) => a.index - b.index);
  if (labelled.length) return labelled[0].iso;
  return found.sort((a, b) => a.index - b.index)[0].iso;
}

/**
 * The sender: German letters open with the sender's line ("Max Muster · Hauptstr. 1 · 12345 Stadt")
 * or a short address block. Returns the first line that carries a name before an address.
 */
export function extractSender(text: string): string | null {
  const lines = text
    .split(/\n|\f/)
    .map((l) => l.trim())
    .filter((l) => l.length > 2)
    .slice(0, 12);
  for (const line of lines) {
    const first = line.split(/\s[·•|,]\s|\s-\s/)[0].trim();
    if (/\d{5}\s+\p{Lu}/u.test(line) && first && !/^\d/.test(first) && first.length <= 80) return first;
  }
  for (let i = 0; i < lines.length - 1; i++) {
    if (/^\d{5}\s+\p{Lu}/u.test(lines[i + 1]) && i > 0 && !/^\d/.test(lines[i - 1])) return lines[i - 1];
  }
  return null;
}
