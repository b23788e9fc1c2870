import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DomainError, ErrorCode } from '@app/common';
import type { PutOptions } from './object-storage';

export interface SpooledFile {
  path: string;
  sha256: string;
  md5: string;
  size: number;
}

const HEAD_BYTES = 64 * 1024;

/** Counts, hashes, enforces the size limit and hands the first bytes to `inspect`. */
class Meter extends Transform {
  readonly sha256 = createHash('sha256');
  readonly md5 = createHash('md5');
  size = 0;
  private head: Buffer[] = [];
  private headLen = 0;
  private inspected = false;

  constructor(private readonly options: PutOptions) {
    super();
  }

  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (this.options.maxBytes !== undefined && this.size > this.options.maxBytes) {
      cb(new DomainError(ErrorCode.PayloadTooLarge, `content exceeds ${this.options.maxBytes} bytes`));
      return;
    }
    this.sha256.update(chunk);
    this.md5.update(chunk);
    try {
      if (!this.inspected) {
        this.head.push(chunk);
        this.headLen += chunk.length;
        if (this.headLen >= HEAD_BYTES) this.runInspect();
      }
    } catch (e) {
      cb(e as Error);
      return;
    }
    cb(null, chunk);
  }

  _flush(cb: TransformCallback): void {
    try {
      if (!this.inspected) this.runInspect();
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  private runInspect(): void {
    this.inspected = true;
    const head = Buffer.concat(this.head).subarray(0, HEAD_BYTES);
    this.head = [];
    this.options.inspect?.(head);
  }
}

/** Streams `source` into a temporary file in `dir`, hashing as it goes. Removes the file on failure. */
export async function spool(source: Readable, dir: string, options: PutOptions = {}): Promise<SpooledFile> {
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `${randomUUID()}.part`);
  const meter = new Meter(options);
  try {
    await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx' }));
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  const sha256 = meter.sha256.digest('hex');
  if (options.expectedSha256 && options.expectedSha256 !== sha256) {
    await fsp.rm(tmp, { force: true });
    throw new DomainError(ErrorCode.UnprocessableContent, `content hash ${sha256} does not match the expected ${options.expectedSha256}`);
  }
  return { path: tmp, sha256, md5: meter.md5.digest('hex'), size: meter.size };
}

export async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  const { createReadStream } = await import('node:fs');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
