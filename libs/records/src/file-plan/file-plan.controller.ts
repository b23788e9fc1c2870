import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { CreateFilePlanUnitDto, FilePlanUnitResponse, toFilePlanUnitResponse } from './file-plan.dto';
import { FilePlanService } from './file-plan.service';

@ApiTags('file plan')
@ApiBearerAuth()
@Controller('api/v1/file-plan')
export class FilePlanController {
  constructor(private readonly filePlan: FilePlanService) {}

  @Get()
  async list(@Ctx() ctx: RequestContext): Promise<FilePlanUnitResponse[]> {
    return (await this.filePlan.list(ctx)).map(toFilePlanUnitResponse);
  }

  @Post()
  @Roles(Role.RecordsManager, Role.Admin)
  async create(@Ctx() ctx: RequestContext, @Body() dto: CreateFilePlanUnitDto): Promise<FilePlanUnitResponse> {
    return toFilePlanUnitResponse(await this.filePlan.create(ctx, dto));
  }
}
