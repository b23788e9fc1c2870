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
    const repo = this.dataSource.getRepository(CaseFile);
    const qb = repo.createQueryBuilder('c');
    // one department (the usual caseworker) as `=`, so that the (department_code, opened_at DESC, id)
    // index yields the page in order and the count as an index-only scan; `= ANY(...)` cannot
    if (f.departments?.length === 1) qb.andWhere('c.department_code = :department', { department: f.departments[0] });
    else if (f.departments) qb.andWhere('c.department_code = ANY(:departments)', { departments: f.departments });
    if (f.reference) qb.andWhere('c.reference = :reference', { reference: f.reference });
    if (f.status) qb.andWhere('c.status = :status', { status: f.status });
    // Deferred join, one statement: the page's ids come from the index alone (skipping `offset`
    // entries without touching the table), then only those rows are read. Same order as the indexes
    // (opened_at DESC, id ASC), so there is no sort step.
    const page = qb.clone().select('c.id', 'id').orderBy('c.opened_at', 'DESC').addOrderBy('c.id', 'ASC').offset(f.offset).limit(f.limit);
    const items = repo
      .createQueryBuilder('c')
      .innerJoin(`(${page.getQuery()})`, 'p', 'p.id = c.id')
      .setParameters(page.getParameters())
      .orderBy('c.opened_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
    const [rows, total] = await Promise.all([items, qb.getCount()]);
    return { items: rows, total };
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

  /** Moves case files to a life-cycle state (closed, due, offered, handed_over …) inside the caller's transaction. */
  async setStatus(m: EntityManager, ids: string[], status: string, now: Date): Promise<void> {
    if (!ids.length) return;
    await m.query('UPDATE case_files SET status = $2, updated_at = $3 WHERE id = ANY($1::uuid[])', [ids, status, now]);
  }

  save(m: EntityManager, c: CaseFile): Promise<CaseFile> {
    return m.getRepository(CaseFile).save(c);
  }

  create(m: EntityManager, c: Partial<CaseFile>): CaseFile {
    return m.getRepository(CaseFile).create(c);
  }
}
