import type { Readable } from 'node:stream';
import type { ObjectStorage } from './object-storage';
import { odfMimetype, zipContainerType, zipDirectoryLocation, zipEntryNames } from './content-type';

const MAX_DIRECTORY_BYTES = 4 * 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The Office type of a stored zip, judged by its structure: its central directory (read with two
 * range requests from the end of the object) must list `[Content_Types].xml` and `word/`, `xl/`
 * or `ppt/` parts, or its first entry be an ODF `mimetype`. Null for any other (or broken) zip;
 * what the client declared is never consulted.
 */
export async function storedZipOfficeType(storage: ObjectStorage, key: string, size: number, head: Buffer): Promise<string | null> {
  const odf = zipContainerType([], odfMimetype(head));
  if (odf) return odf;
  if (size < 22) return null;
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = await readAll(await storage.get(key, { start: size - tailLen, end: size - 1 }));
  const dir = zipDirectoryLocation(tail);
  if (!dir || dir.size === 0 || dir.size > MAX_DIRECTORY_BYTES || dir.offset + dir.size > size) return null;
  const tailStart = size - tailLen;
  const cd =
    dir.offset >= tailStart
      ? tail.subarray(dir.offset - tailStart, dir.offset - tailStart + dir.size)
      : await readAll(await storage.get(key, { start: dir.offset, end: dir.offset + dir.size - 1 }));
  const names = zipEntryNames(cd, dir.count);
  return names ? zipContainerType(names) : null;
}
