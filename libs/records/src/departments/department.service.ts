import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { DomainError, RequestContext } from '@app/common';
import { PgError, pgCode } from '@app/database';
import { Department } from './department.entity';
import { CreateDepartmentDto } from './department.dto';

@Injectable()
export class DepartmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext): Promise<Department[]> {
    const all = await this.dataSource.getRepository(Department).find({ order: { code: 'ASC' } });
    await this.audit.recordAccess(ctx, { action: 'department.list', objectType: 'department', details: { count: all.length } });
    return all;
  }

  async create(ctx: RequestContext, dto: CreateDepartmentDto): Promise<Department> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const saved = await m.getRepository(Department).save(m.getRepository(Department).create(dto));
        await this.audit.record(m, ctx, { action: 'department.create', objectType: 'department', objectId: saved.code, details: { ...dto } });
        return saved;
      });
    } catch (e) {
      if (pgCode(e) === PgError.UniqueViolation) throw DomainError.conflict(`department ${dto.code} exists`);
      throw e;
    }
  }

  async exists(code: string): Promise<boolean> {
    return this.dataSource.getRepository(Department).exist({ where: { code } });
  }
}
