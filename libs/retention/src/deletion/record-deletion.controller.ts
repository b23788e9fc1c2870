import { Body, Controller, Delete, Param, PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { ALL_ROLES, DomainError, NoControlCharacters, RequestContext } from '@app/common';
import { UuidParam } from '@app/records';
import { RecordDeletionService } from './record-deletion.service';

export class DeletionRequestDto {
  @ApiProperty({ required: false, description: 'why the deletion is asked for (audited with the refusal)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @NoControlCharacters({ multiLine: true })
  reason?: string;
}

/**
 * A version number as the database stores it (a positive int4): anything else is a 400, never a
 * database error. The global validation pipe may have made the path segment a number already.
 */
class VersionNoPipe implements PipeTransform<string | number, number> {
  transform(value: string | number): number {
    const n = /^[1-9][0-9]{0,9}$/.test(String(value)) ? Number(value) : NaN;
    if (!(n <= 2_147_483_647)) throw DomainError.validation('versionNo must be a positive integer', [{ field: 'versionNo', errors: ['must be a positive integer'] }]);
    return n;
  }
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
    @Param('versionNo', VersionNoPipe) versionNo: number,
    @Body() dto: DeletionRequestDto,
  ): Promise<never> {
    return this.deletion.refuse(ctx, { kind: 'version', documentId: id, versionNo }, dto?.reason ?? null);
  }
}
