/** Markers ts_headline puts around matches; control characters never occur in stored text we show. */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_STOP = '\u0003';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * A ts_headline fragment as safe HTML: the text escaped, whitespace collapsed, every match
 * wrapped in `<mark>…</mark>`.
 */
export function snippetHtml(headline: string | null): string {
  if (!headline) return '';
  return headline
    .replace(/[\u0000-\u0001\u0004-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
    .split(HIGHLIGHT_START)
    .join('<mark>')
    .split(HIGHLIGHT_STOP)
    .join('</mark>');
}
