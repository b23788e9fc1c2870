import { Module } from '@nestjs/common';
import { CaseFileController } from './case-files/case-file.controller';
import { DepartmentController } from './departments/department.controller';
import { DocumentController } from './documents/document.controller';
import { DocumentMetrics } from './documents/document-metrics';
import { FilePlanController } from './file-plan/file-plan.controller';
import { RecordsModule } from './records.module';
import { VorgangController } from './vorgaenge/vorgang.controller';

/** The records core's HTTP routes (records API only). */
@Module({
  imports: [RecordsModule],
  controllers: [DepartmentController, FilePlanController, CaseFileController, DocumentController, VorgangController],
  providers: [DocumentMetrics],
})
export class RecordsHttpModule {}
