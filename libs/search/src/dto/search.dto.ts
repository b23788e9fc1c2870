import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NoControlCharacters, PageQueryDto } from '@app/common';

export const MAX_QUERY_LENGTH = 200;

export class SearchQueryDto extends PageQueryDto {
  @ApiProperty({
    description: 'Search words (German; stemming: "Anträge" finds "Antrag"). "quoted phrase", -exclude, or; Aktenzeichen like 32.1.2-2026/00017 or parts of it',
    example: 'Widerspruch Gaststätte',
    maxLength: MAX_QUERY_LENGTH,
  })
  @IsString()
  @Length(1, MAX_QUERY_LENGTH)
  @Matches(/\S/, { message: 'q must contain a word' })
  @NoControlCharacters({ multiLine: true })
  q: string;

  @ApiPropertyOptional({ description: 'only this department (must be one of yours)', example: '32' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z]{1,16}$/, { message: 'departmentCode must be 1-16 letters or digits' })
  departmentCode?: string;

  @ApiPropertyOptional({ example: 'widerspruch' })
  @IsOptional()
  @Matches(/^[a-z_]{2,32}$/, { message: 'documentType must be 2-32 lowercase letters' })
  documentType?: string;

  @ApiPropertyOptional({ description: 'created at or after (ISO 8601 date or date-time)', example: '2026-01-01' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'created before; a date alone includes that whole day (UTC)', example: '2026-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;
}

export class SearchHitResponse {
  @ApiProperty() documentId: string;
  @ApiPropertyOptional({ nullable: true, description: 'null for a document waiting in the inbox' }) caseFileId: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'Aktenzeichen of the case file' }) reference: string | null;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ nullable: true }) documentType: string | null;
  @ApiProperty() departmentCode: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ description: 'ts_rank (title and Aktenzeichen weigh most, then type, subject, body)' }) rank: number;
  @ApiProperty({ description: 'HTML-escaped excerpt with matches in <mark>…</mark>' }) snippet: string;
}

export class SearchPageResponse {
  @ApiProperty({ type: [SearchHitResponse] }) items: SearchHitResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty({ description: 'number of matches, counted up to the candidate limit' }) total: number;
  @ApiProperty({ description: 'true when there are more matches than `total` (only the newest are ranked)' }) totalCapped: boolean;
  @ApiProperty({ description: 'another page exists' }) hasMore: boolean;
}
