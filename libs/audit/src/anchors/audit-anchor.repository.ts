import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface AnchorRow {
  id: string;
  seq: string;
  hash: string;
  signature: string;
  createdAt: Date;
}

/** Lock key so that concurrent workers never write the same checkpoint twice. */
const ANCHOR_LOCK = 0x3a0d17;

@Injectable()
export class AuditAnchorRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in a transaction holding the anchor lock (other callers wait). */
  locked<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [ANCHOR_LOCK]);
      return work(m);
    });
  }

  async head(m: EntityManager): Promise<{ seq: string; hash: string }> {
    const [head] = await m.query('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1');
    return head;
  }

  async last(m: EntityManager): Promise<AnchorRow | null> {
    const [row] = await m.query(
      'SELECT id::text AS id, seq::text AS seq, hash, signature, created_at AS "createdAt" FROM audit_anchors ORDER BY seq DESC, id DESC LIMIT 1',
    );
    return row ?? null;
  }

  async insert(m: EntityManager, anchor: { seq: string; hash: string; signature: string; createdAt: Date }): Promise<AnchorRow> {
    const [row] = await m.query(
      `INSERT INTO audit_anchors (seq, hash, signature, created_at) VALUES ($1, $2, $3, $4)
       RETURNING id::text AS id, seq::text AS seq, hash, signature, created_at AS "createdAt"`,
      [anchor.seq, anchor.hash, anchor.signature, anchor.createdAt],
    );
    return row;
  }
}
