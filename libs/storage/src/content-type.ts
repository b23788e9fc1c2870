/** What a file is, judged by its content (magic numbers, structure), never by its name or declared type. */
export type SniffedType =
  | 'application/pdf'
  | 'image/tiff'
  | 'image/png'
  | 'image/jpeg'
  | 'application/zip'
  | 'application/xml'
  | 'text/html'
  | 'application/xhtml+xml'
  | 'image/svg+xml'
  | 'text/plain';

/** Office formats recognised inside a zip by its structure (see `zipContainerType`). */
export const OFFICE_CONTENT_TYPES = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
} as const;

/**
 * Types a browser shows passively (no scripts, no active markup): only these may be served
 * `inline`; everything else (HTML, XHTML, SVG, XML, zip, Office, unknown) is a download.
 */
export const PASSIVE_CONTENT_TYPES: readonly string[] = ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'text/plain'];

export function isPassiveContentType(mimeType: string): boolean {
  return PASSIVE_CONTENT_TYPES.includes(mimeType.split(';')[0].trim().toLowerCase());
}

const PDF_MAGIC = '%PDF-';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

export function sniffContentType(head: Buffer): SniffedType | null {
  if (head.length >= 5 && head.subarray(0, 5).toString('latin1') === PDF_MAGIC) return 'application/pdf';
  if (head.length >= 4 && (head.readUInt32BE(0) === 0x49492a00 || head.readUInt32BE(0) === 0x4d4d002a)) return 'image/tiff';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'application/zip';
  // a markup document is markup whatever it contains (an HTML page quoting "%PDF-" stays HTML)
  const markup = markupType(head);
  if (markup) return markup;
  // PDF readers accept up to 1 KiB of junk before the header
  if (head.subarray(0, 1024).includes(PDF_MAGIC, 0, 'latin1')) return 'application/pdf';
  const text = head.subarray(0, 4096);
  if (text.length && !text.includes(0)) {
    const s = text.toString('utf8').replace(/^\uFEFF/, '');
    if (!/[\x00-\x08\x0e-\x1f]/.test(s)) return 'text/plain';
  }
  return null;
}

/**
 * HTML, XHTML, SVG or XML when the text starts (after a BOM and white space) with markup: the
 * root element decides (skipping the XML declaration, comments, processing instructions and the
 * doctype). Anything starting with a tag that is not XML is taken as HTML, as browsers would.
 */
export function markupType(head: Buffer): 'text/html' | 'application/xhtml+xml' | 'image/svg+xml' | 'application/xml' | null {
  const sample = head.subarray(0, 8192);
  if (sample.includes(0)) return null;
  let s = sample.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (!s.startsWith('<')) return null;
  const isXml = /^<\?xml[\s?]/i.test(s);
  let doctypeHtml = false;
  // skip the prolog
  for (let guard = 0; guard < 64; guard++) {
    s = s.trimStart();
    if (s.startsWith('<?')) {
      const end = s.indexOf('?>');
      if (end < 0) break;
      s = s.slice(end + 2);
    } else if (s.startsWith('<!--')) {
      const end = s.indexOf('-->');
      if (end < 0) break;
      s = s.slice(end + 3);
    } else if (/^<!doctype/i.test(s)) {
      const end = s.indexOf('>');
      if (end < 0) break;
      if (/^<!doctype\s+(html|svg)/i.test(s)) doctypeHtml = /^<!doctype\s+html/i.test(s);
      s = s.slice(end + 1);
    } else break;
  }
  const root = /^<([A-Za-z_][\w.:-]*)([^>]*)/.exec(s);
  const local = root ? root[1].replace(/^.*:/, '').toLowerCase() : '';
  if (local === 'svg') return 'image/svg+xml';
  if (local === 'html' || doctypeHtml) return isXml || (root?.[2] ?? '').includes(XHTML_NS) ? 'application/xhtml+xml' : 'text/html';
  if (isXml) return 'application/xml';
  // `<` followed by anything that is not XML: a browser would render it as HTML
  return 'text/html';
}

/**
 * The Office format of a zip judged by its entries (central directory): OOXML when it holds
 * `[Content_Types].xml` and a `word/`, `xl/` or `ppt/` part; ODF when its first entry is a stored
 * `mimetype` naming a text, spreadsheet or presentation document. Otherwise null (a plain zip).
 */
export function zipContainerType(entries: string[], odfMimetype?: string | null): string | null {
  if (odfMimetype) {
    const odf = Object.values(OFFICE_CONTENT_TYPES).find((t) => t.startsWith('application/vnd.oasis') && t === odfMimetype.trim());
    if (odf) return odf;
  }
  if (!entries.includes('[Content_Types].xml')) return null;
  if (entries.some((e) => e.startsWith('word/'))) return OFFICE_CONTENT_TYPES.docx;
  if (entries.some((e) => e.startsWith('xl/'))) return OFFICE_CONTENT_TYPES.xlsx;
  if (entries.some((e) => e.startsWith('ppt/'))) return OFFICE_CONTENT_TYPES.pptx;
  return null;
}

/** Where a zip's central directory is, from its end-of-central-directory record in `tail` (the file's last bytes). */
export function zipDirectoryLocation(tail: Buffer): { offset: number; size: number; count: number } | null {
  // signature 0x06054b50, 22 bytes plus a comment of up to 64 KiB from the end
  for (let i = tail.length - 22; i >= 0 && i >= tail.length - 22 - 0xffff; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) return { count: tail.readUInt16LE(i + 10), size: tail.readUInt32LE(i + 12), offset: tail.readUInt32LE(i + 16) };
  }
  return null;
}

/** Entry names of a zip's central directory; null when it is not one. */
export function zipEntryNames(cd: Buffer, count: number): string[] | null {
  const names: string[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    names.push(cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** ODF: the first local entry is an uncompressed `mimetype` file; its content names the format. */
export function odfMimetype(head: Buffer): string | null {
  if (head.length < 30 || head.readUInt32LE(0) !== 0x04034b50) return null;
  const method = head.readUInt16LE(8);
  const size = head.readUInt32LE(18);
  const nameLen = head.readUInt16LE(26);
  const extraLen = head.readUInt16LE(28);
  if (method !== 0 || size > 100 || head.subarray(30, 30 + nameLen).toString('latin1') !== 'mimetype') return null;
  const start = 30 + nameLen + extraLen;
  return head.subarray(start, start + size).toString('latin1');
}
