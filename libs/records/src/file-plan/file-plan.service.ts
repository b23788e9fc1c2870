import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { DomainError, RequestContext } from '@app/common';
import { PgError, pgCode } from '@app/database';
import { Department } from '../departments/department.entity';
import { FilePlanUnit } from './file-plan-unit.entity';
import { CreateFilePlanUnitDto } from './file-plan.dto';

@Injectable()
export class FilePlanService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext): Promise<FilePlanUnit[]> {
    const units = await this.dataSource.getRepository(FilePlanUnit).find({ order: { code: 'ASC' } });
    await this.audit.recordAccess(ctx, { action: 'file_plan.list', objectType: 'file_plan_unit', details: { count: units.length } });
    return units;
  }

  async get(code: string): Promise<FilePlanUnit> {
    const unit = await this.dataSource.getRepository(FilePlanUnit).findOne({ where: { code } });
    if (!unit) throw DomainError.notFound('file-plan unit', code);
    return unit;
  }

  async create(ctx: RequestContext, dto: CreateFilePlanUnitDto): Promise<FilePlanUnit> {
    return this.dataSource.transaction(async (m) => {
      if (!(await m.getRepository(Department).exist({ where: { code: dto.departmentCode } }))) {
        throw DomainError.validation(`unknown department ${dto.departmentCode}`, [{ field: 'departmentCode', errors: ['unknown department'] }]);
      }
      if (dto.parentCode && !(await m.getRepository(FilePlanUnit).exist({ where: { code: dto.parentCode } }))) {
        throw DomainError.validation(`unknown parent unit ${dto.parentCode}`, [{ field: 'parentCode', errors: ['unknown file-plan unit'] }]);
      }
      const repo = m.getRepository(FilePlanUnit);
      let saved: FilePlanUnit;
      try {
        saved = await repo.save(
          repo.create({
            code: dto.code,
            title: dto.title,
            parentCode: dto.parentCode ?? null,
            departmentCode: dto.departmentCode,
            retentionYears: dto.retention.years,
            retentionTrigger: dto.retention.trigger,
            disposal: dto.retention.disposal,
          }),
        );
      } catch (e) {
        if (pgCode(e) === PgError.UniqueViolation) throw DomainError.conflict(`file-plan unit ${dto.code} exists`);
        throw e;
      }
      await this.audit.record(m, ctx, {
        action: 'file_plan.create',
        objectType: 'file_plan_unit',
        objectId: saved.code,
        details: { title: dto.title, departmentCode: dto.departmentCode, retention: { ...dto.retention } },
      });
      return saved;
    });
  }
}
