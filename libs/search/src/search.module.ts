import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { SearchController } from './search.controller';
import { SearchRepository } from './search.repository';
import { SearchService } from './search.service';

/** Full-text search (service and repository); used by the records API and the search benchmark. */
@Module({
  imports: [AuditModule],
  providers: [SearchRepository, SearchService],
  exports: [SearchService],
})
export class SearchModule {}

/** The search route (records API only). */
@Module({
  imports: [SearchModule],
  controllers: [SearchController],
})
export class SearchHttpModule {}
