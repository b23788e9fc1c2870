/** What a file is, judged by its first bytes (magic numbers), never by its name or header. */
export type SniffedType =
  | 'application/pdf'
  | 'image/tiff'
  | 'image/png'
  | 'image/jpeg'
  | 'application/zip'
  | 'application/xml'
  | 'text/plain';

export function sniffContentType(head: Buffer): SniffedType | null {
  if (head.length >= 5 && head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  // PDFs may carry up to 1 KiB of junk before the header
  if (head.subarray(0, 1024).includes('%PDF-', 0, 'latin1')) return 'application/pdf';
  if (head.length >= 4 && (head.readUInt32BE(0) === 0x49492a00 || head.readUInt32BE(0) === 0x4d4d002a)) return 'image/tiff';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'application/zip';
  const text = head.subarray(0, 4096);
  if (text.length && !text.includes(0)) {
    const s = text.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (s.startsWith('<?xml')) return 'application/xml';
    if (!/[\x00-\x08\x0e-\x1f]/.test(s)) return 'text/plain';
  }
  return null;
}
