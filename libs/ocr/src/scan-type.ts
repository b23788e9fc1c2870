import { open } from 'node:fs/promises';
import type { ScanMimeType } from './document-processor';

/** Reads the first bytes of a file. */
export async function readHead(filePath: string, bytes = 1024): Promise<Buffer> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The scan type by magic bytes (never by file name or declared type); undefined if not a supported scan. */
export function scanTypeOf(head: Buffer): ScanMimeType | undefined {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 4) {
    const sig = head.subarray(0, 4).toString('latin1');
    if (sig === 'II*\u0000' || sig === 'MM\u0000*' || sig === 'II+\u0000' || sig === 'MM\u0000+') return 'image/tiff';
  }
  if (head.length >= 5 && head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  // a markup document (HTML, SVG, XML) is markup whatever it quotes, never a PDF
  if (/^\uFEFF?\s*</.test(head.subarray(0, 1024).toString('utf8'))) return undefined;
  // PDF readers accept the header anywhere in the first 1024 bytes.
  if (head.subarray(0, 1024).includes('%PDF-')) return 'application/pdf';
  return undefined;
}
