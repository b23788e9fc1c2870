import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NoControlCharacters, PageQueryDto } from '@app/common';

/** Text fields of POST /api/v1/batches (besides the `files` parts). */
export class BatchFields {
  @ApiPropertyOptional({ example: 'Fujitsu fi-7160 #3' }) @IsOptional() @IsString() @Length(1, 200) @NoControlCharacters() scanner?: string;
  @ApiPropertyOptional({ example: '300dpi-grau-duplex' }) @IsOptional() @IsString() @Length(1, 200) @NoControlCharacters() profile?: string;
  @ApiPropertyOptional({ description: 'routing hint: the department the mail is addressed to', example: '32' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z.-]{1,16}$/, { message: 'departmentCode must be a department code such as 32' })
  departmentCode?: string;
  @ApiPropertyOptional({ description: 'when the paper mail arrived (ISO 8601)' }) @IsOptional() @IsISO8601({ strict: true }) receivedAt?: string;
  @ApiPropertyOptional({ description: 'anomalies of the paper originals, comma-separated (e.g. copy, incomplete)' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @NoControlCharacters()
  anomalies?: string;
}

export type BatchDocumentStatus = 'queued' | 'processing' | 'filed' | 'needs_review' | 'failed' | 'rejected' | 'duplicate';
export type BatchStatus = 'processing' | 'completed';

export class BatchDocumentResponse {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ description: 'place of the file in the upload, from 0 (a duplicate shares its id with the original)' }) position?: number;
  @ApiProperty() filename: string;
  @ApiProperty({ enum: ['queued', 'processing', 'filed', 'needs_review', 'failed', 'rejected', 'duplicate'] }) status: BatchDocumentStatus;
  @ApiPropertyOptional() caseFileId?: string;
  @ApiPropertyOptional({ description: 'Aktenzeichen of the case file the scan was filed into' }) caseFileReference?: string;
  @ApiPropertyOptional({ description: 'inbox department while needs_review' }) departmentCode?: string;
  @ApiPropertyOptional() pageCount?: number;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ description: 'the document that already holds identical content' }) duplicateOf?: string;
  @ApiPropertyOptional({ description: "the batch that captured that document, when it is one of the same scan operator's batches" }) duplicateOfBatchId?: string;
}

export class BatchActor {
  @ApiProperty() sub: string;
  @ApiPropertyOptional({ nullable: true }) name: string | null;
}

export class BatchResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['processing', 'completed'] }) status: BatchStatus;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) scanner: string | null;
  @ApiPropertyOptional({ nullable: true }) profile: string | null;
  @ApiPropertyOptional({ nullable: true }) departmentCode: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'when the paper mail arrived' }) receivedAt?: string | null;
  @ApiPropertyOptional({ type: BatchActor, description: 'the scan operator who uploaded the batch' }) createdBy?: BatchActor;
  @ApiProperty({ type: [BatchDocumentResponse] }) documents: BatchDocumentResponse[];
}

/** GET /api/v1/batches: the caller's batches (all batches for administrators), newest first. */
export class BatchListQuery extends PageQueryDto {}

/** How many of a batch's files are in each state (duplicates are not documents of their own). */
export class BatchCounts {
  @ApiProperty() queued: number;
  @ApiProperty() processing: number;
  @ApiProperty() filed: number;
  @ApiProperty() needs_review: number;
  @ApiProperty() rejected: number;
  @ApiProperty() failed: number;
  @ApiProperty() duplicate: number;
}

export class BatchSummaryResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['processing', 'completed'] }) status: BatchStatus;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) receivedAt: string | null;
  @ApiProperty({ type: BatchActor }) createdBy: BatchActor;
  @ApiPropertyOptional({ nullable: true }) scanner: string | null;
  @ApiPropertyOptional({ nullable: true }) profile: string | null;
  @ApiPropertyOptional({ nullable: true }) departmentCode: string | null;
  @ApiProperty({ description: 'files received' }) files: number;
  @ApiProperty({ type: BatchCounts }) counts: BatchCounts;
}

export class BatchListResponse {
  @ApiProperty({ type: [BatchSummaryResponse] }) items: BatchSummaryResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

/** One file's TR-RESISCAN records: the capture record and, once processed, the transfer note. */
export class BatchCaptureItem {
  @ApiProperty() documentId: string;
  @ApiProperty() position: number;
  @ApiProperty() filename: string;
  @ApiProperty({ enum: ['queued', 'processing', 'filed', 'needs_review', 'failed', 'rejected'] }) status: BatchDocumentStatus;
  @ApiProperty({ description: 'Erfassungsprotokoll: who scanned, scanner, profile, capture time, pages, SHA-256, anomalies, processing steps' })
  capture: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, description: 'Transfervermerk: who, when, context, QA result, statement, bound to the scan by its hash' })
  transferNote: Record<string, unknown> | null;
}

export class BatchCaptureResponse {
  @ApiProperty() batchId: string;
  @ApiProperty({ type: [BatchCaptureItem] }) items: BatchCaptureItem[];
}

const OPEN_STATES = new Set(['queued', 'processing']);

export function batchStatus(documents: Array<{ status: string }>): BatchStatus {
  return documents.some((d) => OPEN_STATES.has(d.status)) ? 'processing' : 'completed';
}
