import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { RequestContext } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { REDIS } from '@app/queue';
import { ObjectStorage } from '@app/storage';
import { removeUnlessReferenced } from '../documents/object-claims';

export interface OrphanSweepResult {
  /** Objects in storage. */
  scanned: number;
  /** Objects no file row refers to (removed or waiting out the grace period). */
  unreferenced: number;
  removed: number;
  /** Removal failed (e.g. a WORM retention date on the object); tried again next run. */
  failed: number;
}

const BATCH = 500;

/**
 * Removes stored objects that no file row refers to: what a crashed worker or an interrupted
 * request left behind. An object is removed only after it has been seen unreferenced for the
 * grace period (ORPHAN_GRACE_MINUTES) and is still unreferenced at that moment, so an upload
 * that stored its bytes and is about to commit its row (or shares them with an older object by
 * content address) is never touched. When each object was first seen unreferenced is kept in
 * Redis: should Redis lose it, the grace period only starts again (the safe direction).
 * Each removal is written to the audit trail (`storage.orphan_removed`).
 */
@Injectable()
export class OrphanSweepService {
  private readonly logger = new Logger(OrphanSweepService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get seenKey(): string {
    return `${this.config.redis.prefix}:orphans:first-seen`;
  }

  private async referenced(keys: string[]): Promise<Set<string>> {
    const rows: { storage_key: string }[] = await this.dataSource.query('SELECT DISTINCT storage_key FROM document_files WHERE storage_key = ANY($1)', [keys]);
    return new Set(rows.map((r) => r.storage_key));
  }

  async run(ctx: RequestContext, now = Date.now()): Promise<OrphanSweepResult> {
    const result: OrphanSweepResult = { scanned: 0, unreferenced: 0, removed: 0, failed: 0 };
    const graceMs = this.config.orphans.graceMinutes * 60_000;
    let batch: string[] = [];
    const flush = async () => {
      const keys = batch;
      batch = [];
      if (!keys.length) return;
      const inUse = await this.referenced(keys);
      const used = keys.filter((k) => inUse.has(k));
      if (used.length) await this.redis.hdel(this.seenKey, ...used);
      const loose = keys.filter((k) => !inUse.has(k));
      result.unreferenced += loose.length;
      if (!loose.length) return;
      const seen = await this.redis.hmget(this.seenKey, ...loose);
      const fresh: string[] = [];
      for (let i = 0; i < loose.length; i++) {
        const since = seen[i] === null ? null : Number(seen[i]);
        if (since === null) fresh.push(loose[i], String(now));
        else if (now - since >= graceMs) await this.remove(ctx, loose[i], since, result);
      }
      if (fresh.length) await this.redis.hset(this.seenKey, ...fresh);
    };
    for await (const key of this.storage.keys()) {
      result.scanned++;
      batch.push(key);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    this.logger.log(result, 'orphan sweep done');
    return result;
  }

  private async remove(ctx: RequestContext, key: string, since: number, result: OrphanSweepResult): Promise<void> {
    // checked again under the key's lock: a row may have been committed since the batch was read,
    // and a request that found the object stored may be committing one now (claimStoredObjects)
    try {
      if (!(await removeUnlessReferenced(this.dataSource, this.storage, key))) {
        await this.redis.hdel(this.seenKey, key);
        return;
      }
    } catch (e) {
      result.failed++;
      this.logger.warn({ key, err: (e as Error).message }, 'could not remove an unreferenced object');
      return;
    }
    await this.redis.hdel(this.seenKey, key);
    result.removed++;
    await this.audit.recordAccess(ctx, {
      action: 'storage.orphan_removed',
      objectType: 'storage_object',
      objectId: key,
      reason: 'no file refers to the stored object',
      details: { unreferencedSince: new Date(since).toISOString() },
    });
  }
}
