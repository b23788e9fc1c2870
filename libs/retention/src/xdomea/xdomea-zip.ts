import type { Readable } from 'node:stream';
import type { Archiver } from 'archiver';

// archiver 7 (CommonJS factory) at runtime; the installed @types describe archiver 8's classes
// eslint-disable-next-line @typescript-eslint/no-require-imports
const archiver = require('archiver') as (format: 'zip', options: { zlib: { level: number } }) => Archiver;

export interface ZipEntry {
  name: string;
  source: Buffer | string | (() => Promise<Readable>);
}

/**
 * Streams a zip of the entries (files are opened one after the other, never buffered whole).
 * The name of an xdomea message container: `<ProzessID>_<Nachrichtentyp>.zip`.
 */
export function zipStream(entries: ZipEntry[]): Readable {
  const archive = archiver('zip', { zlib: { level: 6 } });
  void (async () => {
    try {
      for (const e of entries) {
        const source = typeof e.source === 'function' ? await e.source() : e.source;
        archive.append(source, { name: e.name });
        if (typeof e.source === 'function') await new Promise<void>((resolve) => archive.once('entry', () => resolve()));
      }
      await archive.finalize();
    } catch (err) {
      archive.destroy(err as Error);
    }
  })();
  return archive;
}
