import { Body, Controller, Get, HttpCode, Inject, Patch, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import type { Request, Response } from 'express';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { NoControlCharacters, RequestContext, Role } from '@app/common';
import { isPassiveContentType } from '@app/storage';
import { UuidParam } from '../uuid-param';
import { ContentQuery, DocumentResponse } from './document.dto';
import { DocumentService } from './document.service';
import { readSingleUpload } from './upload';

export class UploadDocumentFields {
  @ApiProperty() @IsString() @Length(1, 500) @NoControlCharacters({ multiLine: true }) title: string;
  @ApiPropertyOptional({ example: 'antrag' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{2,32}$/, { message: 'documentType must be 2-32 lowercase letters' })
  documentType?: string;
  @ApiPropertyOptional({ description: 'a Vorgang of the case file to file the document in' })
  @IsOptional()
  @IsUUID('all', { message: 'vorgangId must be a UUID' })
  vorgangId?: string;
}

export class UpdateDocumentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) @NoControlCharacters({ multiLine: true }) title?: string;
  @ApiPropertyOptional({ example: 'widerspruch', nullable: true, description: 'null clears the type' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsString()
  @Matches(/^[a-z_]{2,32}$/, { message: 'documentType must be 2-32 lowercase letters' })
  documentType?: string | null;
  @ApiPropertyOptional({ description: 'why (audited; optional)' }) @IsOptional() @IsString() @Length(3, 2000) @NoControlCharacters({ multiLine: true }) reason?: string;
}

export class MoveDocumentDto {
  @ApiPropertyOptional({ description: 'target case file; default: the document\'s own' })
  @IsOptional()
  @IsUUID('all', { message: 'caseFileId must be a UUID' })
  caseFileId?: string;
  @ApiPropertyOptional({ nullable: true, description: 'target Vorgang of the target case file; null = directly in the case file' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsUUID('all', { message: 'vorgangId must be a UUID' })
  vorgangId?: string | null;
  @ApiProperty({ description: 'why the document is moved (audited)' }) @IsString() @Length(3, 2000) @NoControlCharacters({ multiLine: true }) reason: string;
}

export class UploadVersionFields {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 2000) @NoControlCharacters({ multiLine: true }) comment?: string;
}

/**
 * `inline` only for passive types (PDF, images, plain text); anything a browser could run or
 * render actively (HTML, XHTML, SVG, XML, unknown) is a download.
 */
function contentDisposition(filename: string, mimeType: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${isPassiveContentType(mimeType) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Document content never runs as the user: no scripts, no plugins, no requests, own origin. */
export const CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'";

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1')
export class DocumentController {
  constructor(
    private readonly documents: DocumentService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('case-files/:id/documents')
  @Roles(Role.Caseworker)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file', 'title'], properties: { file: { type: 'string', format: 'binary' }, title: { type: 'string' }, documentType: { type: 'string' }, vorgangId: { type: 'string', format: 'uuid' } } } })
  async upload(@Ctx() ctx: RequestContext, @UuidParam() caseFileId: string, @Req() req: Request): Promise<DocumentResponse> {
    await this.documents.assertCanAddTo(ctx, caseFileId);
    const { fields, upload } = await readSingleUpload(req, this.documents, this.config.upload.maxBytes, UploadDocumentFields);
    return this.documents.createInCaseFile(ctx, caseFileId, fields, upload);
  }

  @Get('documents/:id')
  @Roles(Role.Caseworker, Role.RecordsManager)
  get(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<DocumentResponse> {
    return this.documents.get(ctx, id);
  }

  /** Changes title and/or document type; each changed field is audited with old and new value. */
  @Patch('documents/:id')
  @Roles(Role.Caseworker)
  update(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: UpdateDocumentDto): Promise<DocumentResponse> {
    return this.documents.update(ctx, id, dto);
  }

  /** Moves the document to another Vorgang or case file, with a reason (audited). */
  @Post('documents/:id/move')
  @HttpCode(200)
  @Roles(Role.Caseworker)
  move(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: MoveDocumentDto): Promise<DocumentResponse> {
    return this.documents.move(ctx, id, dto);
  }

  @Get('documents/:id/content')
  @Roles(Role.Caseworker)
  async content(
    @Ctx() ctx: RequestContext,
    @UuidParam() id: string,
    @Query() q: ContentQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile | undefined> {
    const c = await this.documents.openContent(ctx, id, q.variant ?? 'original', q.version, req.headers.range);
    const tag = `"${c.sha256}"`;
    res.setHeader('ETag', tag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    if (req.headers['if-none-match'] === tag) {
      c.stream.destroy();
      res.status(304);
      return undefined;
    }
    if (c.range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${c.range.start}-${c.range.end}/${c.totalSize}`);
    }
    return new StreamableFile(c.stream, { type: c.mimeType, length: c.size, disposition: contentDisposition(c.filename, c.mimeType) });
  }

  @Get('documents/:id/text')
  @Roles(Role.Caseworker)
  text(@Ctx() ctx: RequestContext, @UuidParam() id: string) {
    return this.documents.text(ctx, id);
  }

  @Post('documents/:id/versions')
  @Roles(Role.Caseworker)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, comment: { type: 'string' } } } })
  async addVersion(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Req() req: Request): Promise<DocumentResponse> {
    await this.documents.assertCanAddVersion(ctx, id);
    const { fields, upload } = await readSingleUpload(req, this.documents, this.config.upload.maxBytes, UploadVersionFields);
    return this.documents.addVersion(ctx, id, upload, fields.comment ?? null);
  }
}
