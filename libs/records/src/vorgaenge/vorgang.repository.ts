import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Vorgang } from './vorgang.entity';

@Injectable()
export class VorgangRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string, m?: EntityManager): Promise<Vorgang | null> {
    return (m ?? this.dataSource.manager).getRepository(Vorgang).findOne({ where: { id } });
  }

  /** Locks the row until the transaction ends. */
  findByIdForUpdate(m: EntityManager, id: string): Promise<Vorgang | null> {
    return m.getRepository(Vorgang).createQueryBuilder('v').setLock('pessimistic_write').where('v.id = :id', { id }).getOne();
  }

  listByCaseFile(caseFileId: string, m?: EntityManager): Promise<Vorgang[]> {
    return (m ?? this.dataSource.manager).getRepository(Vorgang).find({ where: { caseFileId }, order: { number: 'ASC' } });
  }

  create(m: EntityManager, v: Partial<Vorgang>): Vorgang {
    return m.getRepository(Vorgang).create(v);
  }

  save(m: EntityManager, v: Vorgang): Promise<Vorgang> {
    return m.getRepository(Vorgang).save(v);
  }

  /** zdA of the case file closes its open Vorgänge (in the caller's transaction); returns their ids. */
  async closeOpen(m: EntityManager, caseFileId: string, at: Date): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `UPDATE vorgaenge SET status = 'closed', closed_at = $2, updated_at = $2 WHERE case_file_id = $1 AND status = 'open' RETURNING id`,
      [caseFileId, at],
    );
    return rows.map((r) => r.id);
  }
}
