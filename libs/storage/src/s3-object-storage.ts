import { createReadStream, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { ByteRange, ObjectStorage, PutOptions, StorageCapabilities, StoredObject, assertKey, keyFor } from './object-storage';
import { spool } from './spool';

export interface S3Settings {
  endpoint: string;
  accessKey?: string;
  secretKey?: string;
  bucket: string;
  region: string;
}

/**
 * S3/MinIO driver. Content is spooled to a local temporary file first (to learn its hash, which is
 * its key), then uploaded with a known size. Object lock is used where the bucket supports it.
 */
export class S3ObjectStorage extends ObjectStorage {
  readonly driver = 's3' as const;
  private readonly client: Client;
  private readonly bucket: string;
  private readonly region: string;
  private readonly tmpDir = path.join(os.tmpdir(), 'eakte-s3-spool');
  private caps?: Promise<StorageCapabilities>;

  constructor(settings: S3Settings) {
    super();
    const url = new URL(settings.endpoint);
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      useSSL: url.protocol === 'https:',
      accessKey: settings.accessKey ?? '',
      secretKey: settings.secretKey ?? '',
      region: settings.region,
      pathStyle: true,
    });
    this.bucket = settings.bucket;
    this.region = settings.region;
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
    await this.client.bucketExists(this.bucket);
  }

  async put(source: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const spooled = await spool(source, this.tmpDir, options);
    const key = keyFor(spooled.sha256);
    try {
      const existing = await this.stat(key);
      if (existing) {
        if (existing.size !== spooled.size) throw new Error(`storage verification failed for ${key}: size differs`);
        return { key, sha256: spooled.sha256, size: spooled.size, created: false };
      }
      const info = await this.client.putObject(this.bucket, key, createReadStream(spooled.path), spooled.size, {
        'Content-Type': 'application/octet-stream',
        'x-amz-meta-sha256': spooled.sha256,
      });
      const etag = String(info.etag ?? '').replace(/"/g, '');
      const stat = await this.stat(key);
      const etagOk = etag.includes('-') || etag === '' || etag === spooled.md5;
      if (!stat || stat.size !== spooled.size || !etagOk) {
        await this.client.removeObject(this.bucket, key).catch(() => undefined);
        throw new Error(`storage verification failed for ${key}`);
      }
      return { key, sha256: spooled.sha256, size: spooled.size, created: true };
    } finally {
      await fsp.rm(spooled.path, { force: true });
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertKey(key);
    if (range) return this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1);
    return this.client.getObject(this.bucket, key);
  }

  async stat(key: string): Promise<{ size: number } | null> {
    assertKey(key);
    try {
      const s = await this.client.statObject(this.bucket, key);
      return { size: s.size };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'NotFound' || code === 'NoSuchKey') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.removeObject(this.bucket, key);
  }

  capabilities(): Promise<StorageCapabilities> {
    const getConfig = this.client.getObjectLockConfig.bind(this.client) as unknown as (bucket: string) => Promise<{ objectLockEnabled?: string } | undefined>;
    this.caps ??= getConfig(this.bucket)
      .then((cfg) => ({ objectLock: cfg?.objectLockEnabled === 'Enabled' }))
      .catch(() => ({ objectLock: false }));
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
