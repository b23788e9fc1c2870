import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { ByteRange, ObjectStorage, PutOptions, StorageCapabilities, StoredObject, assertKey, isKey, keyFor } from './object-storage';
import { hashFile, spool } from './spool';

/** Objects as files below one directory; the local default. Writes are atomic (link, never overwrite). */
export class FsObjectStorage extends ObjectStorage {
  readonly driver = 'fs' as const;

  constructor(private readonly root: string) {
    super();
  }

  private get tmpDir(): string {
    return path.join(this.root, '.tmp');
  }

  private pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, key);
  }

  async ensureReady(): Promise<void> {
    await fsp.mkdir(this.tmpDir, { recursive: true });
  }

  async ping(): Promise<void> {
    await fsp.access(this.root);
  }

  async put(source: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const spooled = await spool(source, this.tmpDir, options);
    const key = keyFor(spooled.sha256);
    const target = this.pathOf(key);
    try {
      await fsp.mkdir(path.dirname(target), { recursive: true });
      let created = true;
      try {
        await fsp.link(spooled.path, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        created = false;
      }
      // verify what is stored (new or existing) really is this content
      const stored = await hashFile(target);
      if (stored !== spooled.sha256) {
        if (created) await fsp.rm(target, { force: true });
        throw new Error(`storage verification failed for ${key}`);
      }
      if (created) await fsp.chmod(target, 0o444);
      return { key, sha256: spooled.sha256, size: spooled.size, created };
    } finally {
      await fsp.rm(spooled.path, { force: true });
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    await fsp.access(file);
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const s = await fsp.stat(this.pathOf(key));
      return { size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async *keys(): AsyncIterable<string> {
    const top = path.join(this.root, 'sha256');
    const prefixes = await fsp.readdir(top).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
    for (const prefix of prefixes) {
      const names = await fsp.readdir(path.join(top, prefix)).catch(() => [] as string[]);
      for (const name of names) {
        const key = `sha256/${prefix}/${name}`;
        if (isKey(key)) yield key;
      }
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  async capabilities(): Promise<StorageCapabilities> {
    return { objectLock: false };
  }

  async setRetention(): Promise<boolean> {
    return false;
  }
}
