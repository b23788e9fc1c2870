import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, OmitType } from '@nestjs/swagger';
import { Roles } from '@app/auth';
import { DomainError, RequestContext, Role } from '@app/common';
import { AuditQueryService } from '../query/audit-query.service';
import { Ctx } from '../request-context';
import { AuditEventPageResponse, AuditEventsQuery } from './audit-query.dto';

/** The event filters without caseFileId (the path names the case file); oldest first by default. */
class HistoryQuery extends OmitType(AuditEventsQuery, ['caseFileId'] as const) {}

/** A case file's history (its audit events) for the people who may see the case file. */
@ApiTags('case files')
@ApiBearerAuth()
@Controller('api/v1/case-files')
export class CaseFileHistoryController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get(':id/history')
  @Roles(Role.Caseworker, Role.RecordsManager, Role.Auditor)
  @ApiOkResponse({ type: AuditEventPageResponse })
  history(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => DomainError.validation('id must be a UUID', [{ field: 'id', errors: ['must be a UUID'] }]) })) id: string,
    @Query() q: HistoryQuery,
  ): Promise<AuditEventPageResponse> {
    const { cursor, limit, order, ...filter } = q;
    return this.audit.history(ctx, id, filter, { cursor, limit, order });
  }
}
