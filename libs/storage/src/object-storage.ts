import type { Readable } from 'node:stream';

export interface StoredObject {
  /** Storage key, derived from the content hash: `sha256/ab/<hash>`. */
  key: string;
  sha256: string;
  size: number;
  /** False when identical content was already stored (content addressing: nothing overwritten). */
  created: boolean;
}

export interface PutOptions {
  /** Abort with PayloadTooLarge beyond this many bytes. */
  maxBytes?: number;
  /** Reject (and store nothing) when the content does not hash to this value. */
  expectedSha256?: string;
  /** Called once with the first bytes (up to 64 KiB) before anything is kept; throw to abort. */
  inspect?: (head: Buffer) => void;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface StorageCapabilities {
  /** WORM: object lock with retention dates (MinIO with locking enabled; not s3rver, not fs). */
  objectLock: boolean;
}

/**
 * Content-addressed object storage. Objects are streamed (never buffered whole), hashed while
 * written, verified after writing and never overwritten. Drivers: filesystem and S3/MinIO.
 */
export abstract class ObjectStorage {
  abstract readonly driver: 'fs' | 's3';
  abstract ensureReady(): Promise<void>;
  abstract ping(): Promise<void>;
  abstract put(source: Readable, options?: PutOptions): Promise<StoredObject>;
  abstract get(key: string, range?: ByteRange): Promise<Readable>;
  abstract stat(key: string): Promise<{ size: number } | null>;
  /** Every stored object's key (content objects only: nothing half-written), in no set order. */
  abstract keys(): AsyncIterable<string>;
  /** Removes an object. Only disposal (destruction, hand-over) may call this. */
  abstract delete(key: string): Promise<void>;
  abstract capabilities(): Promise<StorageCapabilities>;
  /** Puts a WORM retention date on an object where the backend supports it; returns whether it did. */
  abstract setRetention(key: string, retainUntil: Date): Promise<boolean>;
}

export function keyFor(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** Whether a name is a content address (`sha256/ab/<hash>`), the only keys objects are stored under. */
export function isKey(key: string): boolean {
  return /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key);
}

export function assertKey(key: string): void {
  if (!isKey(key)) throw new Error(`invalid storage key: ${key}`);
}
