import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { PageQueryDto, RequestContext, Role, validateFields } from '@app/common';
import { CaseFilePageResponse, UuidParam, caseFileViewResponse } from '@app/records';
import { certificatePdf, DestructionCertificate } from './destruction-certificate';
import {
  AppraisalPreviewResponse,
  CertificateQuery,
  CreateOfferDto,
  DueQueryDto,
  ManualConfirmationDto,
  OfferCreatedResponse,
  OfferPageResponse,
  OfferResponse,
  SweepResponse,
  toOfferCreated,
  toOfferResponse,
  toOfferSummary,
} from './disposal.dto';
import { DisposalService } from './disposal.service';
import { DueSweepService } from './due-sweep.service';
import { isXmlRequest, readXmlBody } from './xml-body';

/** Aussonderung (disposal) with xdomea 3.1.0 hand-over; records managers only. */
@ApiTags('disposal')
@ApiBearerAuth()
@Controller('api/v1/disposal')
@Roles(Role.RecordsManager)
export class DisposalController {
  constructor(
    private readonly disposal: DisposalService,
    private readonly sweeper: DueSweepService,
  ) {}

  @Post('sweep')
  @HttpCode(200)
  sweep(@Ctx() ctx: RequestContext): Promise<SweepResponse> {
    return this.sweeper.sweep(ctx);
  }

  @Get('due')
  async due(@Ctx() ctx: RequestContext, @Query() q: DueQueryDto): Promise<CaseFilePageResponse> {
    const page = await this.disposal.due(ctx, q);
    return { ...page, items: page.items.map(caseFileViewResponse) };
  }

  @Post('offers')
  async offer(@Ctx() ctx: RequestContext, @Body() dto: CreateOfferDto): Promise<OfferCreatedResponse> {
    return toOfferCreated(await this.disposal.createOffer(ctx, dto.caseFileIds));
  }

  @Get('offers')
  async list(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto): Promise<OfferPageResponse> {
    const page = await this.disposal.list(ctx, q);
    return { ...page, items: page.items.map(toOfferSummary) };
  }

  @Get('offers/:id')
  async get(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<OfferResponse> {
    return toOfferResponse(await this.disposal.get(ctx, id));
  }

  @Get('offers/:id/0501')
  async export0501(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<StreamableFile> {
    const file = await this.disposal.export0501(ctx, id);
    return new StreamableFile(file.stream, { type: 'application/zip', disposition: `attachment; filename="${file.fileName}"` });
  }

  @Post('offers/:id/appraisal')
  @HttpCode(200)
  @ApiConsumes('application/xml', 'multipart/form-data')
  async appraisal(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Req() req: Request): Promise<OfferResponse> {
    const xml = await readXmlBody(req);
    return toOfferResponse(await this.disposal.appraise(ctx, id, xml));
  }

  /** Validates and reads a 0502 like `appraisal`, and answers its decisions per case file without applying them. */
  @Post('offers/:id/appraisal/preview')
  @HttpCode(200)
  @ApiConsumes('application/xml', 'multipart/form-data')
  async previewAppraisal(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Req() req: Request): Promise<AppraisalPreviewResponse> {
    const xml = await readXmlBody(req);
    const { offer, items } = await this.disposal.previewAppraisal(ctx, id, xml);
    return {
      offerId: offer.id,
      processId: offer.processId,
      valid: true,
      items: items.map((p) => ({
        caseFileId: p.item.caseFileId,
        reference: p.item.reference,
        title: p.item.title,
        disposal: p.item.disposal,
        decision: p.decision,
        effective: p.effective,
        underHold: p.underHold,
      })),
    };
  }

  @Post('offers/:id/execute')
  @HttpCode(200)
  async execute(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<OfferResponse> {
    return toOfferResponse(await this.disposal.execute(ctx, id));
  }

  @Get('offers/:id/0503')
  async export0503(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<StreamableFile> {
    const file = await this.disposal.export0503(ctx, id);
    return new StreamableFile(file.stream, { type: 'application/zip', disposition: `attachment; filename="${file.fileName}"` });
  }

  @Post('offers/:id/confirmation')
  @HttpCode(200)
  @ApiConsumes('application/xml', 'multipart/form-data', 'application/json')
  async confirmation(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Req() req: Request): Promise<OfferResponse> {
    const input = isXmlRequest(req) || /^multipart\//i.test(req.headers['content-type'] ?? '')
      ? { xml: await readXmlBody(req) }
      : { reason: (await validateFields(ManualConfirmationDto, (req.body ?? {}) as Record<string, unknown>)).reason };
    return toOfferResponse(await this.disposal.confirm(ctx, id, input));
  }

  @Get('offers/:id/certificate')
  async certificate(
    @Ctx() ctx: RequestContext,
    @UuidParam() id: string,
    @Query() q: CertificateQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DestructionCertificate | StreamableFile> {
    const { offer, certificate } = await this.disposal.certificate(ctx, id, q.format ?? 'json');
    if (q.format !== 'pdf') return certificate;
    res.setHeader('Content-Disposition', `attachment; filename="${offer.processId}_Vernichtungsnachweis.pdf"`);
    return new StreamableFile(await certificatePdf(certificate), { type: 'application/pdf' });
  }
}
