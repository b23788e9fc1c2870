import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { ByteRange, ObjectStorage, PutOptions, StorageCapabilities, StoredObject, assertKey, isKey, keyFor } from './object-storage';
import { SpooledFile, spool } from './spool';

const MiB = 1024 * 1024;

export interface S3Settings {
  endpoint: string;
  accessKey?: string;
  secretKey?: string;
  bucket: string;
  region: string;
  /** Objects up to this size go up in one streamed PUT; larger ones as a multipart upload. Default 64 MiB. */
  multipartThreshold?: number;
  /** Part size of multipart uploads (S3 needs at least 5 MiB except for the last part). Default 16 MiB. */
  partSize?: number;
  /** Directory for spooling uploads before they are sent (their hash is their key). Default: the OS temp dir. */
  spoolDir?: string;
}

/** S3 error codes that mean "this bucket has no object lock" rather than "the backend failed". */
const NO_LOCK_CODES = new Set(['ObjectLockConfigurationNotFoundError', 'NotImplemented', 'InvalidRequest', 'MethodNotAllowed', 'XNotImplemented']);

/**
 * S3/MinIO driver. Content is spooled to a local temporary file first (to learn its hash, which is
 * its key, before anything is sent), then uploaded from that file with a known size: one streamed
 * PUT signed with the content's SHA-256 (and Content-MD5), or, above `multipartThreshold`, a
 * hand-driven multipart upload (initiate, parts read one at a time, complete; aborted on failure).
 * The minio client's own `putObject` is not used: it buffers objects up to its part size in memory
 * and, above it, lists pending multipart uploads first, which s3rver does not implement.
 * Object lock is used where the bucket supports it (detected, not assumed).
 */
export class S3ObjectStorage extends ObjectStorage {
  readonly driver = 's3' as const;
  private readonly client: Client;
  private readonly bucket: string;
  private readonly region: string;
  private readonly tmpDir: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  /** The client signs payload hashes only on authenticated plain-HTTP connections (else UNSIGNED-PAYLOAD). */
  private readonly signsPayload: boolean;
  private caps?: Promise<StorageCapabilities>;

  constructor(settings: S3Settings) {
    super();
    const url = new URL(settings.endpoint);
    const useSSL = url.protocol === 'https:';
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: settings.accessKey ?? '',
      secretKey: settings.secretKey ?? '',
      region: settings.region,
      pathStyle: true,
    });
    this.bucket = settings.bucket;
    this.region = settings.region;
    this.tmpDir = settings.spoolDir ?? path.join(os.tmpdir(), 'eakte-s3-spool');
    this.partSize = settings.partSize ?? 16 * MiB;
    this.multipartThreshold = settings.multipartThreshold ?? 64 * MiB;
    if (this.partSize < 5 * MiB) throw new Error('S3 part size must be at least 5 MiB');
    this.signsPayload = !useSSL && !!settings.accessKey && !!settings.secretKey;
  }

  async ensureReady(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      // ask for object locking; backends without it (s3rver) create a plain bucket
      await this.client.makeBucket(this.bucket, this.region, { ObjectLocking: true });
    } catch {
      if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket, this.region);
    }
  }

  async ping(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) throw new Error(`bucket ${this.bucket} does not exist`);
  }

  async put(source: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const spooled = await spool(source, this.tmpDir, options);
    const key = keyFor(spooled.sha256);
    try {
      const existing = await this.head(key);
      if (existing) {
        // content addressing: the same key must hold the same bytes; never overwrite
        const md5Differs = !existing.etag.includes('-') && existing.etag !== spooled.md5;
        if (existing.size !== spooled.size || existing.sha256 !== spooled.sha256 || md5Differs) {
          throw new Error(`storage verification failed for ${key}: a different object is stored under this key`);
        }
        return { key, sha256: spooled.sha256, size: spooled.size, created: false };
      }
      const etag = spooled.size > this.multipartThreshold ? await this.putMultipart(key, spooled) : await this.putSingle(key, spooled);
      const stored = await this.head(key);
      if (!stored || stored.size !== spooled.size || stored.sha256 !== spooled.sha256 || !etag.ok(stored.etag)) {
        await this.client.removeObject(this.bucket, key).catch(() => undefined);
        throw new Error(`storage verification failed for ${key}`);
      }
      return { key, sha256: spooled.sha256, size: spooled.size, created: true };
    } finally {
      await fsp.rm(spooled.path, { force: true });
    }
  }

  private headers(spooled: SpooledFile): Record<string, string> {
    return { 'Content-Type': 'application/octet-stream', 'x-amz-meta-sha256': spooled.sha256 };
  }

  /** One PUT streamed from the spooled file; the backend checks Content-MD5 (and the signed SHA-256). */
  private async putSingle(key: string, spooled: SpooledFile): Promise<{ ok: (etag: string) => boolean }> {
    const res = await this.client.makeRequestStreamAsync(
      {
        method: 'PUT',
        bucketName: this.bucket,
        objectName: key,
        headers: {
          ...this.headers(spooled),
          'Content-Length': String(spooled.size),
          'Content-MD5': Buffer.from(spooled.md5, 'hex').toString('base64'),
        },
      },
      createReadStream(spooled.path),
      this.signsPayload ? spooled.sha256 : '',
      [200],
      '',
    );
    res.resume();
    await new Promise((resolve) => res.once('end', resolve).once('close', resolve));
    return { ok: (etag) => etag === spooled.md5 };
  }

  /** Multipart upload from the spooled file, one part in memory at a time; aborted on any failure. */
  private async putMultipart(key: string, spooled: SpooledFile): Promise<{ ok: (etag: string) => boolean }> {
    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, key, this.headers(spooled));
    const file = await fsp.open(spooled.path, 'r');
    const partMd5s: Buffer[] = [];
    try {
      const etags: { part: number; etag: string }[] = [];
      const buf = Buffer.allocUnsafe(this.partSize);
      for (let part = 1, offset = 0; offset < spooled.size; part++, offset += this.partSize) {
        const length = Math.min(this.partSize, spooled.size - offset);
        const { bytesRead } = await file.read(buf, 0, length, offset);
        if (bytesRead !== length) throw new Error(`short read of the spooled upload at ${offset}`);
        const chunk = buf.subarray(0, length);
        const md5 = createHash('md5').update(chunk).digest();
        partMd5s.push(md5);
        const r = await this.client.uploadPart(
          { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: { 'Content-MD5': md5.toString('base64') } },
          chunk,
        );
        if (r.etag && r.etag !== md5.toString('hex')) throw new Error(`part ${part} of ${key} was stored with a different checksum`);
        etags.push({ part, etag: md5.toString('hex') });
      }
      await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
    } catch (e) {
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      throw e;
    } finally {
      await file.close();
    }
    // S3 and MinIO answer md5(part md5s)-N; s3rver answers the whole object's MD5
    const multipartTag = `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
    return { ok: (etag) => etag === multipartTag || etag === spooled.md5 };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertKey(key);
    if (range) return this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1);
    return this.client.getObject(this.bucket, key);
  }

  async stat(key: string): Promise<{ size: number } | null> {
    const s = await this.head(key);
    return s ? { size: s.size } : null;
  }

  private async head(key: string): Promise<{ size: number; etag: string; sha256?: string } | null> {
    assertKey(key);
    try {
      const s = await this.client.statObject(this.bucket, key);
      const meta = (s.metaData ?? {}) as Record<string, string>;
      return { size: s.size, etag: String(s.etag ?? '').replace(/"/g, ''), sha256: meta.sha256 };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'NotFound' || code === 'NoSuchKey') return null;
      throw e;
    }
  }

  async *keys(): AsyncIterable<string> {
    for await (const item of this.client.listObjectsV2(this.bucket, 'sha256/', true) as AsyncIterable<{ name?: string }>) {
      if (item.name && isKey(item.name)) yield item.name;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.removeObject(this.bucket, key);
  }

  /**
   * Asks the bucket for its object-lock configuration. A backend that answers "none" or "not
   * implemented" has no object lock; a backend that cannot be reached is an error (not cached).
   */
  capabilities(): Promise<StorageCapabilities> {
    const getConfig = this.client.getObjectLockConfig.bind(this.client) as unknown as (bucket: string) => Promise<{ objectLockEnabled?: string } | undefined>;
    this.caps ??= getConfig(this.bucket)
      .then((cfg) => ({ objectLock: cfg?.objectLockEnabled === 'Enabled' }))
      .catch((e: { code?: string }) => {
        if (e?.code && NO_LOCK_CODES.has(e.code)) return { objectLock: false };
        this.caps = undefined;
        throw e;
      });
    return this.caps;
  }

  async setRetention(key: string, retainUntil: Date): Promise<boolean> {
    assertKey(key);
    if (!(await this.capabilities()).objectLock) return false;
    await this.client.putObjectRetention(this.bucket, key, {
      mode: 'COMPLIANCE',
      retainUntilDate: retainUntil.toISOString(),
    } as never);
    return true;
  }
}
