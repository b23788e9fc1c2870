import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { NoControlCharacters, PageQueryDto } from '@app/common';
import type { DisposalItem, DisposalOffer, OfferStep, OfferSummary } from './disposal.repository';

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

/** Filters of the due list (Aussonderung: case files whose retention has ended). */
export class DueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'lead department (Federführung)', example: '32' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  @NoControlCharacters()
  departmentCode?: string;

  @ApiPropertyOptional({ description: 'file plan unit: case files of this unit and of the units below it', example: '32.1' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @NoControlCharacters()
  filePlanCode?: string;
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
  @ApiProperty({ description: 'true while a legal hold is on the case file (disposal will skip it)' }) underHold: boolean;
}

export class OfferStepResponse {
  @ApiProperty({ description: 'audit action of the step, e.g. disposal.offer.create, disposal.export.0501, disposal.appraisal' }) action: string;
  @ApiProperty() at: string;
  @ApiProperty({ description: 'subject of the person who did it' }) by: string;
  @ApiPropertyOptional({ nullable: true }) byName: string | null;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
}

export class OfferResponse extends OfferCreatedResponse {
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: string;
  @ApiPropertyOptional({ nullable: true }) appraisedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) executedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) confirmedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) executedBy: string | null;
  @ApiPropertyOptional({ nullable: true }) confirmedBy: string | null;
  @ApiProperty({ type: [OfferItemResponse] }) items: OfferItemResponse[];
  @ApiProperty({ type: [OfferStepResponse], description: 'every step of the xdomea cycle: who did it and when (from the audit trail)' }) steps: OfferStepResponse[];
}

export class OfferSummaryResponse extends OfferCreatedResponse {
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty() caseFiles: number;
  @ApiProperty({ description: 'case files destroyed or archived so far' }) done: number;
}

export class OfferPageResponse {
  @ApiProperty({ type: [OfferSummaryResponse] }) items: OfferSummaryResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export class AppraisalPreviewItemResponse {
  @ApiProperty() caseFileId: string;
  @ApiProperty({ description: 'Aktenzeichen' }) reference: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['destroy', 'archive', 'review'] }) disposal: string;
  @ApiPropertyOptional({ nullable: true, enum: ['A', 'V', 'B'], description: 'the decision the 0502 carries; null: the 0502 does not name the case file' }) decision: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['A', 'V'], description: 'what execute would do: the decision, else the rule (null: still undecided)' }) effective: string | null;
  @ApiProperty() underHold: boolean;
}

export class AppraisalPreviewResponse {
  @ApiProperty() offerId: string;
  @ApiProperty() processId: string;
  @ApiProperty({ description: 'the 0502 validated and matches this offer; nothing has been applied' }) valid: boolean;
  @ApiProperty({ type: [AppraisalPreviewItemResponse] }) items: AppraisalPreviewItemResponse[];
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export const toOfferCreated = (o: DisposalOffer): OfferCreatedResponse => ({ id: o.id, processId: o.processId, status: o.status });

export const toOfferSummary = (o: OfferSummary): OfferSummaryResponse => ({
  ...toOfferCreated(o),
  createdAt: iso(o.createdAt)!,
  createdBy: o.createdBy,
  updatedAt: iso(o.updatedAt)!,
  caseFiles: o.caseFiles,
  done: o.done,
});

const toStep = (s: OfferStep): OfferStepResponse => ({ action: s.action, at: iso(s.at)!, by: s.by, byName: s.byName, reason: s.reason });

export const toOfferResponse = ({ offer: o, items, held, steps }: { offer: DisposalOffer; items: DisposalItem[]; held: string[]; steps: OfferStep[] }): OfferResponse => ({
  ...toOfferCreated(o),
  createdAt: iso(o.createdAt)!,
  createdBy: o.createdBy,
  appraisedAt: iso(o.appraisedAt),
  executedAt: iso(o.executedAt),
  executedBy: o.executedBy,
  confirmedAt: iso(o.confirmedAt),
  confirmedBy: o.confirmedBy,
  steps: steps.map(toStep),
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
    underHold: held.includes(i.caseFileId),
  })),
});

export class SweepResponse {
  @ApiProperty({ description: 'case files newly marked due' }) marked: number;
  @ApiProperty({ description: 'the clock time the sweep judged by' }) at: string;
  @ApiProperty() durationMs: number;
}
