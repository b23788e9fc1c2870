import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { systemContext } from '@app/common';
import { Department } from '../departments/department.entity';
import { FilePlanUnit } from '../file-plan/file-plan-unit.entity';
import { DEMO_DEPARTMENTS, DEMO_FILE_PLAN } from './demo-data';

const SEED_LOCK = 7_414_212_002;

@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Seeds demo departments and file plan when there are no departments yet. Safe for concurrent replicas. */
  async seedIfEmpty(): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
      if ((await m.getRepository(Department).count()) > 0) return false;
      await m.getRepository(Department).insert(DEMO_DEPARTMENTS);
      for (const unit of DEMO_FILE_PLAN) {
        await m.getRepository(FilePlanUnit).insert({
          code: unit.code,
          title: unit.title,
          parentCode: unit.parentCode ?? null,
          departmentCode: unit.departmentCode,
          retentionYears: unit.years,
          retentionTrigger: unit.trigger,
          disposal: unit.disposal,
        });
      }
      await this.audit.record(m, systemContext('seed'), {
        action: 'configuration.seed',
        objectType: 'configuration',
        details: { departments: DEMO_DEPARTMENTS.length, filePlanUnits: DEMO_FILE_PLAN.length },
      });
      this.logger.log(`seeded ${DEMO_DEPARTMENTS.length} departments and ${DEMO_FILE_PLAN.length} file-plan units`);
      return true;
    });
  }
}
