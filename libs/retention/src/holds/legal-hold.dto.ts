import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { NoControlCharacters } from '@app/common';
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
