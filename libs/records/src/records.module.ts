import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@app/audit';
import { Clock, SystemClock } from '@app/common';
import { CaseFile } from './case-files/case-file.entity';
import { CaseFileRepository } from './case-files/case-file.repository';
import { CaseFileService } from './case-files/case-file.service';
import { Department } from './departments/department.entity';
import { DepartmentService } from './departments/department.service';
import { Document } from './documents/document.entity';
import { DocumentFile } from './documents/document-file.entity';
import { DocumentVersion } from './documents/document-version.entity';
import { DocumentRepository } from './documents/document.repository';
import { DOCUMENT_DETAILS, DocumentDetailsContributor, DocumentService } from './documents/document.service';
import { FilePlanUnit } from './file-plan/file-plan-unit.entity';
import { FilePlanService } from './file-plan/file-plan.service';
import { SeedService } from './seed/seed.service';
import { Vorgang } from './vorgaenge/vorgang.entity';
import { VorgangRepository } from './vorgaenge/vorgang.repository';
import { VorgangService } from './vorgaenge/vorgang.service';

export const RECORDS_ENTITIES = [Department, FilePlanUnit, CaseFile, Document, DocumentVersion, DocumentFile, Vorgang];

/** Domain services of the records core; used by the API, the ingest service and the worker. */
@Module({
  imports: [TypeOrmModule.forFeature(RECORDS_ENTITIES), AuditModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    DepartmentService,
    FilePlanService,
    CaseFileRepository,
    CaseFileService,
    DocumentRepository,
    DocumentService,
    SeedService,
    VorgangRepository,
    VorgangService,
    // extra fields of GET /documents/:id: other modules push their contributor onto this list at init
    { provide: DOCUMENT_DETAILS, useValue: [] as DocumentDetailsContributor[] },
  ],
  exports: [TypeOrmModule, Clock, DepartmentService, FilePlanService, CaseFileRepository, CaseFileService, DocumentRepository, DocumentService, SeedService, VorgangRepository, VorgangService, DOCUMENT_DETAILS],
})
export class RecordsModule {}
