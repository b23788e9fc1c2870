import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NoControlCharacters } from '@app/common';

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
  @ApiProperty() filename: string;
  @ApiProperty({ enum: ['queued', 'processing', 'filed', 'needs_review', 'failed', 'rejected', 'duplicate'] }) status: BatchDocumentStatus;
  @ApiPropertyOptional() caseFileId?: string;
  @ApiPropertyOptional({ description: 'inbox department while needs_review' }) departmentCode?: string;
  @ApiPropertyOptional() pageCount?: number;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ description: 'the document that already holds identical content' }) duplicateOf?: string;
}

export class BatchResponse {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['processing', 'completed'] }) status: BatchStatus;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) scanner: string | null;
  @ApiPropertyOptional({ nullable: true }) profile: string | null;
  @ApiPropertyOptional({ nullable: true }) departmentCode: string | null;
  @ApiProperty({ type: [BatchDocumentResponse] }) documents: BatchDocumentResponse[];
}

const OPEN_STATES = new Set(['queued', 'processing']);

export function batchStatus(documents: Array<{ status: string }>): BatchStatus {
  return documents.some((d) => OPEN_STATES.has(d.status)) ? 'processing' : 'completed';
}
