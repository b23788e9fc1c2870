import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { NoControlCharacters, PageQueryDto } from '@app/common';
import type { LegalHold } from './legal-hold.repository';

export class SetLegalHoldDto {
  @ApiProperty({ description: 'why the hold is set (audited), e.g. litigation, audit' })
  @IsString()
  @Length(3, 2000)
  @NoControlCharacters({ multiLine: true })
  reason: string;

  @ApiPropertyOptional({ description: 'external reference, e.g. court file number' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  reference?: string;
}

/** GET /holds: the holds in force, optionally only those of some case files (a list page's rows). */
export class ActiveLegalHoldQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'comma-separated case-file ids (at most 200): only their holds', example: 'b3f1…,9a2c…' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value))
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  caseFileIds?: string[];
}

export class LiftLegalHoldDto {
  @ApiProperty({ description: 'why the hold is lifted (audited)' })
  @IsString()
  @Length(3, 2000)
  @NoControlCharacters({ multiLine: true })
  reason: string;
}

export class LegalHoldResponse {
  @ApiProperty() id: string;
  @ApiProperty() caseFileId: string;
  @ApiProperty() reason: string;
  @ApiPropertyOptional({ nullable: true }) reference: string | null;
  @ApiProperty() setBy: string;
  @ApiProperty() setAt: string;
  @ApiProperty({ description: 'true while the hold is on' }) active: boolean;
  @ApiPropertyOptional({ nullable: true }) liftedBy: string | null;
  @ApiPropertyOptional({ nullable: true }) liftedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) liftReason: string | null;
}

export class CaseFileHoldsResponse {
  @ApiProperty() caseFileId: string;
  @ApiProperty({ description: 'Aktenzeichen' }) reference: string;
  @ApiProperty() status: string;
  @ApiPropertyOptional({ nullable: true, description: 'end of retention; null = open or kept forever' }) retainUntil: string | null;
  @ApiProperty({ description: 'true while any hold is on' }) underHold: boolean;
  @ApiProperty({ type: [LegalHoldResponse] }) holds: LegalHoldResponse[];
}

export class ActiveLegalHoldResponse extends LegalHoldResponse {
  @ApiProperty({ description: 'Aktenzeichen of the held case file' }) caseFileReference: string;
  @ApiProperty() caseFileTitle: string;
  @ApiProperty() caseFileStatus: string;
}

export class ActiveLegalHoldPageResponse {
  @ApiProperty({ type: [ActiveLegalHoldResponse] }) items: ActiveLegalHoldResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export const toLegalHoldResponse = (h: LegalHold): LegalHoldResponse => ({
  id: h.id,
  caseFileId: h.caseFileId,
  reason: h.reason,
  reference: h.reference,
  setBy: h.setBy,
  setAt: new Date(h.setAt).toISOString(),
  active: !h.liftedAt,
  liftedBy: h.liftedBy,
  liftedAt: h.liftedAt ? new Date(h.liftedAt).toISOString() : null,
  liftReason: h.liftReason,
});
