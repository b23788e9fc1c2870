import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { UuidParam } from '@app/records';
import { ActiveLegalHoldPageResponse, ActiveLegalHoldQueryDto, CaseFileHoldsResponse, LegalHoldResponse, LiftLegalHoldDto, SetLegalHoldDto, toLegalHoldResponse } from './legal-hold.dto';
import { LegalHoldService } from './legal-hold.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('api/v1/case-files/:id/holds')
export class LegalHoldController {
  constructor(private readonly holds: LegalHoldService) {}

  @Post()
  @Roles(Role.RecordsManager)
  async set(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: SetLegalHoldDto): Promise<LegalHoldResponse> {
    return toLegalHoldResponse(await this.holds.set(ctx, id, dto));
  }

  @Delete(':holdId')
  @HttpCode(200)
  @Roles(Role.RecordsManager)
  async lift(@Ctx() ctx: RequestContext, @UuidParam() id: string, @UuidParam('holdId') holdId: string, @Body() dto: LiftLegalHoldDto): Promise<LegalHoldResponse> {
    return toLegalHoldResponse(await this.holds.lift(ctx, id, holdId, dto.reason));
  }

  @Get()
  @Roles(Role.Caseworker, Role.RecordsManager)
  async list(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<CaseFileHoldsResponse> {
    const { caseFile, holds } = await this.holds.list(ctx, id);
    return {
      caseFileId: caseFile.id,
      reference: caseFile.reference,
      status: caseFile.status,
      retainUntil: caseFile.retainUntil ? caseFile.retainUntil.toISOString() : null,
      underHold: holds.some((h) => !h.liftedAt),
      holds: holds.map(toLegalHoldResponse),
    };
  }
}

/** Löschsperren across all case files: the records manager's overview of what is held. */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('api/v1/holds')
export class ActiveLegalHoldController {
  constructor(private readonly holds: LegalHoldService) {}

  @Get()
  @Roles(Role.RecordsManager)
  async list(@Ctx() ctx: RequestContext, @Query() q: ActiveLegalHoldQueryDto): Promise<ActiveLegalHoldPageResponse> {
    const page = await this.holds.listActive(ctx, q);
    return {
      ...page,
      items: page.items.map((h) => ({ ...toLegalHoldResponse(h), caseFileReference: h.caseFileReference, caseFileTitle: h.caseFileTitle, caseFileStatus: h.caseFileStatus })),
    };
  }
}
