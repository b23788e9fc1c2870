import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { DomainError, ErrorCode } from '@app/common';
import { startS3rver, RunningS3 } from '../../../test/support/s3rver';
import { FsObjectStorage } from './fs-object-storage';
import { ObjectStorage, keyFor } from './object-storage';
import { S3ObjectStorage } from './s3-object-storage';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A stream that produces `total` bytes in small chunks (never one buffer), hashing what it yields. */
function generated(total: number, seed = 1): { stream: Readable; digest: () => string } {
  const h = createHash('sha256');
  let sent = 0;
  let x = seed;
  const stream = new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const n = Math.min(64 * 1024, total - sent);
      const chunk = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        chunk[i] = x >>> 16;
      }
      sent += n;
      h.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => h.digest('hex') };
}

const leftovers = (dir: string) => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.part'));
  } catch {
    return [];
  }
};

interface Driver {
  storage: ObjectStorage;
  spoolDir: string;
  /** Puts different bytes under a key behind the driver's back (to prove verification). */
  tamper: (key: string, bytes: Buffer) => Promise<void>;
  done: () => Promise<void>;
}

const drivers: [string, () => Promise<Driver>][] = [
  [
    'fs',
    async () => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'eakte-fs-contract-'));
      const storage = new FsObjectStorage(root);
      await storage.ensureReady();
      return {
        storage,
        spoolDir: path.join(root, '.tmp'),
        tamper: async (key, bytes) => {
          const file = path.join(root, key);
          chmodSync(file, 0o644);
          writeFileSync(file, bytes);
        },
        done: async () => rmSync(root, { recursive: true, force: true }),
      };
    },
  ],
  [
    's3 (s3rver)',
    async () => {
      const s3 = await startS3rver();
      const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-s3-contract-spool-'));
      const storage = new S3ObjectStorage({ ...s3.settings, spoolDir });
      await storage.ensureReady();
      const raw = rawClient(s3);
      return {
        storage,
        spoolDir,
        tamper: async (key, bytes) => {
          await raw.putObject(s3.bucket, key, bytes, bytes.length);
        },
        done: async () => {
          await s3.stop();
          rmSync(spoolDir, { recursive: true, force: true });
        },
      };
    },
  ],
];

function rawClient(s3: RunningS3): Client {
  const url = new URL(s3.endpoint);
  return new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey, pathStyle: true });
}

describe.each(drivers)('ObjectStorage contract: %s driver', (_name, make) => {
  let d: Driver;
  beforeAll(async () => {
    d = await make();
  });
  afterAll(() => d?.done());

  it('stores a stream under its SHA-256 and streams it back whole and by range', async () => {
    const g = generated(3 * MiB + 17);
    const stored = await d.storage.put(g.stream);
    const digest = g.digest();
    expect(stored).toEqual({ key: keyFor(digest), sha256: digest, size: 3 * MiB + 17, created: true });
    expect(stored.key).toBe(`sha256/${digest.slice(0, 2)}/${digest}`);
    const back = await readAll(await d.storage.get(stored.key));
    expect(back.length).toBe(3 * MiB + 17);
    expect(sha(back)).toBe(digest);
    const part = await readAll(await d.storage.get(stored.key, { start: 1000, end: 1009 }));
    expect(part).toEqual(back.subarray(1000, 1010));
    const tail = await readAll(await d.storage.get(stored.key, { start: back.length - 5, end: back.length - 1 }));
    expect(tail).toEqual(back.subarray(back.length - 5));
    expect(await d.storage.stat(stored.key)).toEqual({ size: 3 * MiB + 17 });
  });

  it('never overwrites: the same content is stored once and reported as existing', async () => {
    const bytes = randomBytes(4096);
    const first = await d.storage.put(Readable.from([bytes]));
    const second = await d.storage.put(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]));
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect(sha(await readAll(await d.storage.get(first.key)))).toBe(sha(bytes));
  });

  it('verifies what is stored under the key and refuses when it is not this content', async () => {
    const bytes = randomBytes(2048);
    const stored = await d.storage.put(Readable.from([bytes]));
    await d.tamper(stored.key, Buffer.concat([bytes.subarray(0, 2047), Buffer.from([bytes[2047] ^ 0xff])]));
    await expect(d.storage.put(Readable.from([bytes]))).rejects.toThrow(/verification failed/);
  });

  it('stores nothing when the content does not match expectedSha256', async () => {
    const bytes = randomBytes(1000);
    const wrong = sha(Buffer.from('something else'));
    const err = await d.storage.put(Readable.from([bytes]), { expectedSha256: wrong }).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.UnprocessableContent);
    expect(await d.storage.stat(keyFor(sha(bytes)))).toBeNull();
    expect(leftovers(d.spoolDir)).toEqual([]);
    const ok = await d.storage.put(Readable.from([bytes]), { expectedSha256: sha(bytes) });
    expect(ok.created).toBe(true);
  });

  it('aborts at the size limit and leaves nothing behind', async () => {
    const g = generated(2 * MiB, 7);
    const err = await d.storage.put(g.stream, { maxBytes: MiB }).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.PayloadTooLarge);
    expect(leftovers(d.spoolDir)).toEqual([]);
    // exactly at the limit is fine
    const at = randomBytes(MiB);
    expect((await d.storage.put(Readable.from([at]), { maxBytes: MiB })).size).toBe(MiB);
  });

  it('stores nothing when inspect rejects the first bytes', async () => {
    const bytes = Buffer.from('MZ not a pdf at all');
    const err = await d.storage
      .put(Readable.from([bytes]), {
        inspect: (head) => {
          if (!head.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new DomainError(ErrorCode.UnsupportedMediaType, 'not a PDF');
        },
      })
      .catch((e) => e);
    expect((err as DomainError).code).toBe(ErrorCode.UnsupportedMediaType);
    expect(await d.storage.stat(keyFor(sha(bytes)))).toBeNull();
    expect(leftovers(d.spoolDir)).toEqual([]);
  });

  it('stores an empty object', async () => {
    const stored = await d.storage.put(Readable.from([]));
    expect(stored).toMatchObject({ size: 0, sha256: sha(Buffer.alloc(0)) });
    expect((await readAll(await d.storage.get(stored.key))).length).toBe(0);
  });

  it('deletes (disposal) and then reports the object missing', async () => {
    const stored = await d.storage.put(Readable.from([randomBytes(512)]));
    await d.storage.delete(stored.key);
    expect(await d.storage.stat(stored.key)).toBeNull();
    await expect(d.storage.get(stored.key).then(readAll)).rejects.toBeTruthy();
    await d.storage.delete(stored.key); // idempotent
  });

  it('lists the keys of stored objects, not of deleted or half-written ones', async () => {
    const a = await d.storage.put(Readable.from([randomBytes(300)]));
    const b = await d.storage.put(Readable.from([randomBytes(301)]));
    await d.storage.delete(b.key);
    await expect(d.storage.put(Readable.from([randomBytes(2000)]), { maxBytes: 1000 })).rejects.toBeTruthy();
    const keys: string[] = [];
    for await (const k of d.storage.keys()) keys.push(k);
    expect(keys).toContain(a.key);
    expect(keys).not.toContain(b.key);
    for (const k of keys) expect(k).toMatch(/^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    for (const k of keys) expect(await d.storage.stat(k)).not.toBeNull();
  });

  it('rejects keys that are not content addresses', async () => {
    await expect(d.storage.get('../../etc/passwd')).rejects.toThrow(/invalid storage key/);
    await expect(d.storage.stat('sha256/zz/nothex')).rejects.toThrow(/invalid storage key/);
  });

  it('reports no object lock and does not pretend to set retention', async () => {
    expect(await d.storage.capabilities()).toEqual({ objectLock: false });
    const stored = await d.storage.put(Readable.from([randomBytes(64)]));
    expect(await d.storage.setRetention(stored.key, new Date(Date.now() + 86_400_000))).toBe(false);
  });

  it('answers the readiness ping', async () => {
    await expect(d.storage.ping()).resolves.toBeUndefined();
  });
});

describe('S3ObjectStorage specifics (s3rver)', () => {
  let s3: RunningS3;
  let spoolDir: string;
  beforeAll(async () => {
    s3 = await startS3rver();
    spoolDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-s3-large-spool-'));
  });
  afterAll(async () => {
    await s3?.stop();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('creates its bucket when absent', async () => {
    const storage = new S3ObjectStorage({ ...s3.settings, bucket: 'created-by-ensure-ready', spoolDir });
    await expect(storage.ping()).rejects.toThrow(/does not exist/);
    await storage.ensureReady();
    await storage.ensureReady(); // idempotent
    expect(await rawClient(s3).bucketExists('created-by-ensure-ready')).toBe(true);
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it('uploads objects larger than the client part size as a multipart upload from the spooled file', async () => {
    const storage = new S3ObjectStorage({ ...s3.settings, spoolDir });
    await storage.ensureReady();
    const size = 64 * MiB + 3 * MiB + 5; // above the minio client's 64 MiB part size
    const g = generated(size, 42);
    const stored = await storage.put(g.stream);
    expect(stored).toMatchObject({ sha256: g.digest(), size, created: true });
    const h = createHash('sha256');
    let n = 0;
    for await (const c of await storage.get(stored.key)) {
      h.update(c as Buffer);
      n += (c as Buffer).length;
    }
    expect(n).toBe(size);
    expect(h.digest('hex')).toBe(stored.sha256);
    expect(leftovers(spoolDir)).toEqual([]);
  }, 120_000);

  it('uploads in several small parts when configured so', async () => {
    const storage = new S3ObjectStorage({ ...s3.settings, spoolDir, multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    await storage.ensureReady();
    const g = generated(11 * MiB + 1, 9);
    const stored = await storage.put(g.stream);
    expect(stored.sha256).toBe(g.digest());
    const whole = await readAll(await storage.get(stored.key));
    expect(sha(whole)).toBe(stored.sha256);
    // a range across the first part boundary
    expect(await readAll(await storage.get(stored.key, { start: 5 * MiB - 2, end: 5 * MiB + 1 }))).toEqual(whole.subarray(5 * MiB - 2, 5 * MiB + 2));
    expect(await storage.stat(stored.key)).toEqual({ size: 11 * MiB + 1 });
  });

  it('treats an unreachable backend as an error, not as "no object lock"', async () => {
    const storage = new S3ObjectStorage({ ...s3.settings, endpoint: 'http://127.0.0.1:9', spoolDir });
    await expect(storage.capabilities()).rejects.toBeTruthy();
    await expect(storage.ping()).rejects.toBeTruthy();
  });
});
