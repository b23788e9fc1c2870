import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { NoControlCharacters } from '@app/common';
import type { DisposalItem, DisposalOffer } from './disposal.repository';

export class CreateOfferDto {
  @ApiProperty({ type: [String], description: 'case files marked due (GET /api/v1/disposal/due)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  caseFileIds: string[];
}

export class ManualConfirmationDto {
  @ApiProperty({ description: 'must be true: the archive confirmed the import' })
  @IsBoolean()
  @Equals(true)
  confirmed: boolean;

  @ApiProperty({ description: 'how the import was confirmed (audited)' })
  @IsString()
  @Length(3, 2000)
  @NoControlCharacters({ multiLine: true })
  reason: string;
}

export class CertificateQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'json'], default: 'json' })
  @IsOptional()
  @IsIn(['pdf', 'json'])
  format?: 'pdf' | 'json';
}

export class OfferCreatedResponse {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'xdomea ProzessID' }) processId: string;
  @ApiProperty({ enum: ['offered', 'appraised', 'awaiting_confirmation', 'completed'] }) status: string;
}

export class OfferItemResponse {
  @ApiProperty() caseFileId: string;
  @ApiProperty({ description: 'Aktenzeichen' }) reference: string;
  @ApiProperty() title: string;
  @ApiProperty() filePlanCode: string;
  @ApiProperty() departmentCode: string;
  @ApiProperty({ enum: ['destroy', 'archive', 'review'] }) disposal: string;
  @ApiPropertyOptional({ nullable: true }) retentionYears: number | null;
  @ApiPropertyOptional({ nullable: true }) retainUntil: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['A', 'V'], description: 'the archive appraisal (0502)' }) decision: string | null;
  @ApiProperty({ enum: ['pending', 'held', 'not_expired', 'destroyed', 'handed_over', 'archived', 'returned'] }) outcome: string;
  @ApiPropertyOptional({ nullable: true }) outcomeAt: string | null;
  @ApiPropertyOptional({ nullable: true }) outcomeBy: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'Archivkennung from the 0506' }) archiveId: string | null;
  @ApiPropertyOptional({ nullable: true }) removedDocuments: number | null;
}

export class OfferResponse extends OfferCreatedResponse {
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: string;
  @ApiPropertyOptional({ nullable: true }) appraisedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) executedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) confirmedAt: string | null;
  @ApiProperty({ type: [OfferItemResponse] }) items: OfferItemResponse[];
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export const toOfferCreated = (o: DisposalOffer): OfferCreatedResponse => ({ id: o.id, processId: o.processId, status: o.status });

export const toOfferResponse = (o: DisposalOffer, items: DisposalItem[]): OfferResponse => ({
  ...toOfferCreated(o),
  createdAt: iso(o.createdAt)!,
  createdBy: o.createdBy,
  appraisedAt: iso(o.appraisedAt),
  executedAt: iso(o.executedAt),
  confirmedAt: iso(o.confirmedAt),
  items: items.map((i) => ({
    caseFileId: i.caseFileId,
    reference: i.reference,
    title: i.title,
    filePlanCode: i.filePlanCode,
    departmentCode: i.departmentCode,
    disposal: i.disposal,
    retentionYears: i.retentionYears,
    retainUntil: iso(i.retainUntil),
    decision: i.decision,
    outcome: i.outcome,
    outcomeAt: iso(i.outcomeAt),
    outcomeBy: i.outcomeBy,
    archiveId: i.archiveId,
    removedDocuments: i.destruction ? i.destruction.documents.length : null,
  })),
});

export class SweepResponse {
  @ApiProperty({ description: 'case files newly marked due' }) marked: number;
  @ApiProperty({ description: 'the clock time the sweep judged by' }) at: string;
  @ApiProperty() durationMs: number;
}
