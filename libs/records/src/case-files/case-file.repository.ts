import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CaseFile } from './case-file.entity';

export interface CaseFileFilter {
  reference?: string;
  departments: string[] | null;
  status?: string;
  offset: number;
  limit: number;
}

@Injectable()
export class CaseFileRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  findById(id: string, m?: EntityManager): Promise<CaseFile | null> {
    return this.manager(m).getRepository(CaseFile).findOne({ where: { id } });
  }

  /** Locks the row until the transaction ends (closing, filing and holds serialise on it). */
  findByIdForUpdate(m: EntityManager, id: string): Promise<CaseFile | null> {
    return m.getRepository(CaseFile).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
  }

  findByReference(reference: string, m?: EntityManager): Promise<CaseFile | null> {
    return this.manager(m).getRepository(CaseFile).findOne({ where: { reference } });
  }

  async list(f: CaseFileFilter): Promise<{ items: CaseFile[]; total: number }> {
    const qb = this.dataSource.getRepository(CaseFile).createQueryBuilder('c');
    if (f.departments) qb.andWhere('c.department_code = ANY(:departments)', { departments: f.departments });
    if (f.reference) qb.andWhere('c.reference = :reference', { reference: f.reference });
    if (f.status) qb.andWhere('c.status = :status', { status: f.status });
    qb.orderBy('c.opened_at', 'DESC').addOrderBy('c.id', 'DESC').offset(f.offset).limit(f.limit);
    const [items, total] = await Promise.all([qb.getMany(), qb.clone().orderBy().offset(undefined).limit(undefined).getCount()]);
    return { items, total };
  }

  /** Next running number within a reference scope (atomic across replicas). */
  async nextSequence(m: EntityManager, scope: string): Promise<number> {
    const [row] = await m.query(
      `INSERT INTO reference_counters (scope, value) VALUES ($1, 1)
       ON CONFLICT (scope) DO UPDATE SET value = reference_counters.value + 1 RETURNING value`,
      [scope],
    );
    return row.value;
  }

  save(m: EntityManager, c: CaseFile): Promise<CaseFile> {
    return m.getRepository(CaseFile).save(c);
  }

  create(m: EntityManager, c: Partial<CaseFile>): CaseFile {
    return m.getRepository(CaseFile).create(c);
  }
}
