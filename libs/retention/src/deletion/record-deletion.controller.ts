import { Body, Controller, Delete, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { ALL_ROLES, DomainError, RequestContext } from '@app/common';
import { UuidParam } from '@app/records';
import { RecordDeletionService } from './record-deletion.service';

export class DeletionRequestDto {
  @ApiProperty({ required: false, description: 'why the deletion is asked for (audited with the refusal)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

/**
 * DELETE routes for records exist so that every attempt gets a precise, audited refusal:
 * 409 RetentionNotExpired | LegalHold | DisposalRequired. Nothing is ever deleted here.
 */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('api/v1')
export class RecordDeletionController {
  constructor(private readonly deletion: RecordDeletionService) {}

  @Delete('case-files/:id')
  @Roles(...ALL_ROLES)
  deleteCaseFile(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: DeletionRequestDto): Promise<never> {
    return this.deletion.refuse(ctx, { kind: 'case_file', caseFileId: id }, dto?.reason ?? null);
  }

  @Delete('documents/:id')
  @Roles(...ALL_ROLES)
  deleteDocument(@Ctx() ctx: RequestContext, @UuidParam() id: string, @Body() dto: DeletionRequestDto): Promise<never> {
    return this.deletion.refuse(ctx, { kind: 'document', documentId: id }, dto?.reason ?? null);
  }

  @Delete('documents/:id/versions/:versionNo')
  @Roles(...ALL_ROLES)
  deleteVersion(
    @Ctx() ctx: RequestContext,
    @UuidParam() id: string,
    @Param('versionNo', new ParseIntPipe({ exceptionFactory: () => DomainError.validation('versionNo must be a positive integer', [{ field: 'versionNo', errors: ['must be an integer'] }]) }))
    versionNo: number,
    @Body() dto: DeletionRequestDto,
  ): Promise<never> {
    return this.deletion.refuse(ctx, { kind: 'version', documentId: id, versionNo }, dto?.reason ?? null);
  }
}
