import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { Page, RequestContext, Role } from '@app/common';
import { DocumentResponse, UuidParam } from '@app/records';
import { FileDocumentDto, ForwardDocumentDto, InboxForwardingResponse, InboxItemResponse, InboxPageResponse, InboxQuery } from './inbox.dto';
import { InboxService } from './inbox.service';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('api/v1')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get('inbox')
  @Roles(Role.Caseworker)
  @ApiOkResponse({ type: InboxPageResponse })
  list(@Ctx() ctx: RequestContext, @Query() q: InboxQuery): Promise<Page<InboxItemResponse>> {
    return this.inbox.list(ctx, q);
  }

  @Post('documents/:id/filing')
  @HttpCode(200)
  @Roles(Role.Caseworker)
  file(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: FileDocumentDto): Promise<DocumentResponse> {
    return this.inbox.file(ctx, id, dto);
  }

  /** Sends a letter waiting in this department's inbox to another department's inbox. */
  @Post('documents/:id/forward')
  @HttpCode(200)
  @Roles(Role.Caseworker)
  forward(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: ForwardDocumentDto): Promise<{ id: string; departmentCode: string; status: string; forwarded: InboxForwardingResponse }> {
    return this.inbox.forward(ctx, id, dto);
  }
}
