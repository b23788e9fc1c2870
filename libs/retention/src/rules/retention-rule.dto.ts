import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { NoControlCharacters } from '@app/common';
import type { DisposalAction, RetentionTrigger } from '@app/records';

export class ChangeRetentionRuleDto {
  @ApiProperty({ nullable: true, description: 'years to keep; null = keep forever; 0 = due as soon as the trigger date has passed', example: 10 })
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(1000)
  years: number | null;

  @ApiProperty({ enum: ['closed', 'created'], description: 'closed = zdA date, created = opening date' })
  @IsIn(['closed', 'created'])
  trigger: RetentionTrigger;

  @ApiProperty({ enum: ['destroy', 'archive', 'review'], description: 'Aussonderungsart proposal: V, A, B' })
  @IsIn(['destroy', 'archive', 'review'])
  disposal: DisposalAction;

  @ApiProperty({ description: 'why the rule changes (audited)' })
  @IsString()
  @Length(3, 2000)
  @NoControlCharacters({ multiLine: true })
  reason: string;
}

export class RetentionRuleChangeResponse {
  @ApiProperty() code: string;
  @ApiProperty() retention: { years: number | null; trigger: string; disposal: string };
  @ApiProperty() previous: { years: number | null; trigger: string; disposal: string };
  @ApiProperty({ description: 'case files whose retainUntil was recomputed' }) recomputed: number;
  @ApiProperty({ description: 'case files taken off the due list because their retention now runs longer' }) undue: number;
}

/** A rule the records manager considers: what would a change recompute? */
export class RetentionRulePreviewQuery {
  @ApiPropertyOptional({ description: 'years to keep; omitted = keep forever', example: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  years?: number;

  @ApiProperty({ enum: ['closed', 'created'] })
  @IsIn(['closed', 'created'])
  trigger: RetentionTrigger;
}

export class RetentionRulePreviewResponse {
  @ApiProperty() code: string;
  @ApiProperty() current: { years: number | null; trigger: string; disposal: string };
  @ApiProperty({ description: 'case files of the unit' }) caseFiles: number;
  @ApiProperty({ description: 'case files whose retainUntil the change would recompute' }) recomputed: number;
  @ApiProperty({ description: 'case files the change would take off the due list' }) undue: number;
  @ApiProperty({ description: 'held case files whose retention the change would shorten (the change would be refused)' }) heldShortened: number;
}
