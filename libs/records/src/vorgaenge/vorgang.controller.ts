import { Body, Controller, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { UuidParam } from '../uuid-param';
import { CreateVorgangDto, UpdateVorgangDto, VorgangResponse, toVorgangResponse } from './vorgang.dto';
import { VorgangService } from './vorgang.service';

/** Vorgänge of a case file (they are listed with the case file: GET /case-files/:id). */
@ApiTags('vorgaenge')
@ApiBearerAuth()
@Controller('api/v1')
export class VorgangController {
  constructor(private readonly vorgaenge: VorgangService) {}

  @Post('case-files/:id/vorgaenge')
  @Roles(Role.Caseworker)
  async create(@Ctx() ctx: RequestContext, @UuidParam() caseFileId: string, @Body() dto: CreateVorgangDto): Promise<VorgangResponse> {
    return toVorgangResponse(await this.vorgaenge.create(ctx, caseFileId, dto));
  }

  /** Renames, closes (`status: closed`) or reopens a Vorgang; changes are audited with old and new value. */
  @Patch('vorgaenge/:id')
  @Roles(Role.Caseworker)
  async update(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: UpdateVorgangDto): Promise<VorgangResponse> {
    return toVorgangResponse(await this.vorgaenge.update(ctx, id, dto));
  }
}
