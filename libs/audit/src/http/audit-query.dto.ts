import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { IsIsoTimestamp, NoControlCharacters } from '@app/common';
import { AuditOutcome } from '../audit-event';
import { EXPORT_FORMATS, ExportFormat } from '../export/audit-export-format';

/**
 * Filters shared by the event list and the export. Every value must be one PostgreSQL accepts:
 * the export streams, so a filter the database refused would cut the file off after it began.
 */
export class AuditFilterQuery {
  @ApiPropertyOptional({ description: 'events at or after this time (ISO 8601)', example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsIsoTimestamp({ message: 'from must be an ISO 8601 date or time' })
  from?: string;

  @ApiPropertyOptional({ description: 'events at or before this time (ISO 8601)' })
  @IsOptional()
  @IsIsoTimestamp({ message: 'to must be an ISO 8601 date or time' })
  to?: string;

  @ApiPropertyOptional({ description: 'actor subject (token `sub`)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  actor?: string;

  @ApiPropertyOptional({ example: 'case_file.read' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_.]{0,63}$/, { message: 'action must look like case_file.read' })
  action?: string;

  @ApiPropertyOptional({ example: 'document' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/, { message: 'objectType must look like case_file' })
  objectType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  objectId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'caseFileId must be a UUID' })
  caseFileId?: string;

  @ApiPropertyOptional({ description: 'events from this sequence number on (e.g. around a break the verification found)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'fromSeq must be a sequence number' })
  fromSeq?: string;

  @ApiPropertyOptional({ description: 'events up to this sequence number' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'toSeq must be a sequence number' })
  toSeq?: string;
}

export class AuditEventsQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ description: 'opaque cursor from the previous page (nextCursor)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cursor is not a cursor of this API' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'desc = newest first' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class AuditExportQuery extends AuditFilterQuery {
  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS, { message: 'format must be csv or jsonl' })
  format: ExportFormat;
}

const SEQ_OR_TIME = /^(\d{1,18}|\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?)$/;

export class AuditVerifyQuery {
  @ApiPropertyOptional({ description: 'first sequence number, or a time (ISO 8601)' })
  @IsOptional()
  @IsString()
  @Matches(SEQ_OR_TIME, { message: 'from must be a sequence number or an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'last sequence number, or a time (ISO 8601)' })
  @IsOptional()
  @IsString()
  @Matches(SEQ_OR_TIME, { message: 'to must be a sequence number or an ISO 8601 time' })
  to?: string;
}

export class AuditEventResponse {
  @ApiProperty({ description: 'position in the hash chain' }) seq: string;
  @ApiProperty() id: string;
  @ApiProperty({ description: 'UTC, microseconds' }) occurredAt: string;
  @ApiPropertyOptional({ nullable: true }) actorSub: string | null;
  @ApiPropertyOptional({ nullable: true }) actorName: string | null;
  @ApiProperty({ type: [String] }) actorRoles: string[];
  @ApiProperty({ type: [String] }) actorDepartments: string[];
  @ApiProperty() action: string;
  @ApiPropertyOptional({ nullable: true }) objectType: string | null;
  @ApiPropertyOptional({ nullable: true }) objectId: string | null;
  @ApiPropertyOptional({ nullable: true }) caseFileId: string | null;
  @ApiProperty({ enum: ['success', 'denied', 'failure'] }) outcome: AuditOutcome;
  @ApiPropertyOptional({ nullable: true }) requestId: string | null;
  @ApiPropertyOptional({ nullable: true }) clientIp: string | null;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, type: Object }) details: Record<string, unknown> | null;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;
}

export class AuditEventPageResponse {
  @ApiProperty({ type: [AuditEventResponse] }) items: AuditEventResponse[];
  @ApiPropertyOptional({ nullable: true, description: 'pass as cursor for the next page; null = last page' }) nextCursor: string | null;
}

export class AuditVerifyResponse {
  @ApiProperty() ok: boolean;
  @ApiProperty({ description: 'events re-hashed' }) checked: number;
  @ApiPropertyOptional() firstSeq?: string;
  @ApiPropertyOptional() lastSeq?: string;
  @ApiPropertyOptional({ description: 'anchors (signed checkpoints) compared' }) anchorsChecked?: number;
  @ApiPropertyOptional({ description: 'first sequence number where the chain breaks' }) firstBrokenSeq?: string;
  @ApiPropertyOptional({ enum: ['gap', 'hash_mismatch', 'reordered', 'broken_link', 'truncated', 'anchor_signature', 'anchor_mismatch'] }) breakType?: string;
  @ApiPropertyOptional() reason?: string;
}
