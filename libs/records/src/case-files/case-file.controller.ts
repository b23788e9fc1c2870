import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { UuidParam } from '../uuid-param';
import {
  CaseFileDetailResponse,
  CaseFilePageResponse,
  CaseFileResponse,
  CreateCaseFileDto,
  ListCaseFilesQuery,
  ReopenCaseFileDto,
  UpdateCaseFileDto,
  caseFileViewResponse,
  documentSummaryViewResponse,
  toCaseFileResponse,
} from './case-file.dto';
import { CaseFileService } from './case-file.service';

@ApiTags('case files')
@ApiBearerAuth()
@Controller('api/v1/case-files')
export class CaseFileController {
  constructor(private readonly caseFiles: CaseFileService) {}

  @Post()
  @Roles(Role.Caseworker)
  async create(@Ctx() ctx: RequestContext, @Body() dto: CreateCaseFileDto): Promise<CaseFileResponse> {
    return toCaseFileResponse(await this.caseFiles.create(ctx, dto));
  }

  @Get()
  @Roles(Role.Caseworker, Role.RecordsManager)
  async list(@Ctx() ctx: RequestContext, @Query() q: ListCaseFilesQuery): Promise<CaseFilePageResponse> {
    const page = await this.caseFiles.list(ctx, q);
    return { ...page, items: page.items.map(caseFileViewResponse) };
  }

  @Get(':id')
  @Roles(Role.Caseworker, Role.RecordsManager)
  async get(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<CaseFileDetailResponse> {
    const { caseFile, documents, vorgaenge } = await this.caseFiles.open(ctx, id);
    return { ...caseFileViewResponse(caseFile), documents: documents.map(documentSummaryViewResponse), vorgaenge };
  }

  /** Changes title and/or confidentiality; each changed field is audited with old and new value. */
  @Patch(':id')
  @Roles(Role.Caseworker)
  async update(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: UpdateCaseFileDto): Promise<CaseFileResponse> {
    return toCaseFileResponse(await this.caseFiles.update(ctx, id, dto));
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(Role.Caseworker)
  async close(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<CaseFileResponse> {
    return toCaseFileResponse(await this.caseFiles.close(ctx, id));
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Roles(Role.Caseworker)
  async reopen(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: ReopenCaseFileDto): Promise<CaseFileResponse> {
    return toCaseFileResponse(await this.caseFiles.reopen(ctx, id, dto.reason));
  }
}
