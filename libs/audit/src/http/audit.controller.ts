import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import type { Response } from 'express';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { AuditFilter } from '../query/audit-filter';
import { AuditQueryService } from '../query/audit-query.service';
import { Ctx } from '../request-context';
import { AuditEventPageResponse, AuditEventsQuery, AuditExportQuery, AuditFilterQuery, AuditVerifyQuery, AuditVerifyResponse } from './audit-query.dto';

function filterOf(q: AuditFilterQuery): AuditFilter {
  return { from: q.from, to: q.to, fromSeq: q.fromSeq, toSeq: q.toSeq, actor: q.actor, action: q.action, objectType: q.objectType, objectId: q.objectId, caseFileId: q.caseFileId };
}

/** The auditor's API: query, export and verify the audit trail (no document content). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
@Roles(Role.Auditor)
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get('events')
  @ApiOkResponse({ type: AuditEventPageResponse })
  events(@Ctx() ctx: RequestContext, @Query() q: AuditEventsQuery): Promise<AuditEventPageResponse> {
    return this.audit.events(ctx, filterOf(q), { cursor: q.cursor, limit: q.limit, order: q.order });
  }

  @Get('export')
  @ApiProduces('text/csv', 'application/x-ndjson')
  async export(@Ctx() ctx: RequestContext, @Query() q: AuditExportQuery, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const file = await this.audit.export(ctx, filterOf(q), q.format);
    res.setHeader('Cache-Control', 'no-store');
    const stream = Readable.from(file.chunks, { objectMode: false });
    // a download abandoned early (or before it began) must not keep its database connection
    stream.once('close', () => file.close());
    return new StreamableFile(stream, {
      type: file.contentType,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Get('verify')
  @ApiOkResponse({ type: AuditVerifyResponse })
  verify(@Ctx() ctx: RequestContext, @Query() q: AuditVerifyQuery): Promise<AuditVerifyResponse> {
    return this.audit.verify(ctx, q.from, q.to);
  }
}
