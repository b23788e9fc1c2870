import { Controller, Get, HttpCode, Inject, MessageEvent, Post, Query, Req, Sse } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiConsumes, ApiNotFoundResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { map, Observable } from 'rxjs';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { DomainError, ErrorCode, Page, RequestContext, Role, validateFields } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { UuidParam } from '@app/records';
import { readMultipart } from '@app/storage';
import { BatchCaptureResponse, BatchDocumentResponse, BatchFields, BatchListQuery, BatchListResponse, BatchResponse, BatchSummaryResponse } from './batch.dto';
import { BatchService } from './batch.service';
import { FileIntake, rejectedIntake, ScanIntakeService } from './scan-intake.service';

@ApiTags('batches')
@ApiBearerAuth()
@Controller('api/v1/batches')
export class BatchController {
  constructor(
    private readonly batches: BatchService,
    private readonly intake: ScanIntakeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles(Role.ScanOperator)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['files'],
      properties: {
        files: { type: 'array', items: { type: 'string', format: 'binary' } },
        scanner: { type: 'string' },
        profile: { type: 'string' },
        departmentCode: { type: 'string' },
        receivedAt: { type: 'string', format: 'date-time' },
        anomalies: { type: 'string' },
      },
    },
  })
  @ApiAcceptedResponse({ type: BatchResponse })
  @ApiServiceUnavailableResponse({ description: 'the job queue is unreachable: nothing was stored; send again after Retry-After' })
  async upload(@Ctx() ctx: RequestContext, @Req() req: Request): Promise<BatchResponse> {
    // before a byte is stored: while the queue is down the batch is refused (503), never half-accepted
    await this.batches.assertAccepting().catch((e) => {
      req.resume(); // discard the body (nothing of it is kept) so that the client reads the answer
      throw e;
    });
    let position = 0;
    const { fields, files } = await readMultipart(
      req,
      { maxFileBytes: this.config.upload.maxBytes, maxFiles: this.config.ingest.maxFiles, maxFields: 10 },
      (stream, info) => {
        const at = position++;
        if (info.field !== 'files') return Promise.reject(DomainError.validation(`unexpected file field ${info.field}; use "files"`));
        return this.intake.receive(stream, info, at);
      },
      // a refused request (too many files, malformed, aborted) leaves no stored original behind
      { discard: (intake) => this.intake.discard([intake]) },
    );
    const intakes: FileIntake[] = files.map((f, i) => f.result ?? rejectedIntake(i, f.filename, f.error ?? new Error('not received'), this.config.upload.maxBytes));
    const broken = files.find((f) => f.error && (!(f.error instanceof DomainError) || f.error.code === ErrorCode.ValidationFailed));
    try {
      if (broken) {
        throw broken.error instanceof DomainError ? broken.error : new DomainError(ErrorCode.ServiceUnavailable, `storing ${broken.filename} failed; nothing was accepted, please retry`);
      }
      const valid = await validateFields(BatchFields, fields);
      await this.batches.validateFields(valid);
      return await this.batches.create(ctx, valid, intakes);
    } catch (e) {
      await this.intake.discard(intakes);
      throw e;
    }
  }

  /** Recent batches with their counts per status: the caller's own; every batch for administrators. */
  @Get()
  @Roles(Role.ScanOperator, Role.Admin)
  @ApiOkResponse({ type: BatchListResponse })
  list(@Ctx() ctx: RequestContext, @Query() query: BatchListQuery): Promise<Page<BatchSummaryResponse>> {
    return this.batches.list(ctx, query);
  }

  /** Runs a `failed` scan again from its stored original (scan centre); 409 unless it is failed. */
  @Post(':id/documents/:documentId/retry')
  @HttpCode(202)
  @Roles(Role.ScanOperator, Role.Admin)
  @ApiAcceptedResponse({ type: BatchDocumentResponse })
  @ApiNotFoundResponse({ description: 'unknown batch, or no such document in it' })
  @ApiConflictResponse({ description: 'the document is not in state failed' })
  @ApiServiceUnavailableResponse({ description: 'the job queue is unreachable: nothing changed; retry after Retry-After' })
  retry(
    @Ctx() ctx: RequestContext,
    @UuidParam() id: string,
    @UuidParam('documentId') documentId: string,
  ): Promise<BatchDocumentResponse> {
    return this.batches.retry(ctx, id, documentId);
  }

  @Get(':id')
  @Roles(Role.ScanOperator, Role.Admin)
  @ApiOkResponse({ type: BatchResponse })
  get(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<BatchResponse> {
    return this.batches.get(ctx, id);
  }

  /** Capture record and transfer note (TR-RESISCAN) of every file of the batch; no document content. */
  @Get(':id/capture')
  @Roles(Role.ScanOperator, Role.Admin)
  @ApiOkResponse({ type: BatchCaptureResponse })
  capture(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<BatchCaptureResponse> {
    return this.batches.capture(ctx, id);
  }

  /** Server-sent events: `document` (one per status change) and a final `batch` event. */
  @Sse(':id/events')
  @Roles(Role.ScanOperator, Role.Admin)
  async events(@Ctx() ctx: RequestContext, @UuidParam() id: string): Promise<Observable<MessageEvent>> {
    const events = await this.batches.events(ctx, id);
    return events.pipe(map((e) => ({ type: e.type, data: e.data })));
  }
}
