import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { NoControlCharacters, PageQueryDto } from '@app/common';
import type { SuggestionReasonCode } from './suggestion-reasons';

export class InboxQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'department whose inbox to list; default all of the caller', example: '32' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z.-]{1,16}$/, { message: 'departmentCode must be a department code such as 32' })
  departmentCode?: string;
}

export class FileDocumentDto {
  @ApiProperty({ description: 'the open case file to file the document into' }) @IsUUID() caseFileId: string;
  @ApiPropertyOptional({ example: 'widerspruch' })
  @IsOptional()
  @Matches(/^[a-z_]{2,32}$/, { message: 'documentType must be 2-32 lowercase letters' })
  documentType?: string;
}

export class ForwardDocumentDto {
  @ApiProperty({ description: 'the department whose inbox receives the letter', example: '50' })
  @IsString()
  @Matches(/^[0-9A-Za-z.-]{1,16}$/, { message: 'departmentCode must be a department code such as 50' })
  departmentCode: string;

  @ApiPropertyOptional({ description: 'a note for the receiving department (audited, shown in its inbox)' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  @NoControlCharacters({ multiLine: true })
  comment?: string;
}

export class SuggestionReasonResponse {
  @ApiProperty({ description: 'what kind of reason (the screen words it); `other` = only the text' }) code: SuggestionReasonCode;
  @ApiProperty({ type: Object, description: 'values of the reason (references, department codes, probabilities)' }) params: Record<string, string>;
  @ApiProperty({ description: 'the reason as the pipeline stored it' }) text: string;
}

export class SuggestedCaseFileResponse {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Aktenzeichen' }) reference: string;
  @ApiProperty() title: string;
  @ApiProperty() departmentCode: string;
  @ApiProperty({ example: 'open' }) status: string;
}

/** What the pipeline suggests for a letter waiting in an inbox. */
export class InboxSuggestionResponse {
  @ApiPropertyOptional({ nullable: true }) departmentCode: string | null;
  @ApiPropertyOptional({ nullable: true }) documentType: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'probability of the document type, 0..1' }) documentTypeConfidence: number | null;
  @ApiProperty({ description: 'confidence of the suggestion (department), 0..1' }) confidence: number;
  @ApiPropertyOptional({ nullable: true, description: 'the Aktenzeichen the letter quotes' }) caseFileReference: string | null;
  @ApiPropertyOptional({ nullable: true, type: SuggestedCaseFileResponse, description: 'that case file, if the caller may work on it' })
  caseFile: SuggestedCaseFileResponse | null;
  @ApiProperty({ type: [SuggestionReasonResponse] }) reasons: SuggestionReasonResponse[];
}

export class InboxForwardingResponse {
  @ApiProperty() fromDepartmentCode: string;
  @ApiProperty() toDepartmentCode: string;
  @ApiProperty() by: string;
  @ApiPropertyOptional({ nullable: true }) byName: string | null;
  @ApiProperty() at: string;
  @ApiPropertyOptional({ nullable: true }) comment: string | null;
}

export class InboxItemResponse {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ nullable: true }) documentType: string | null;
  @ApiProperty() departmentCode: string;
  @ApiPropertyOptional({ nullable: true }) batchId: string | null;
  @ApiPropertyOptional({ nullable: true }) classification: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true }) ocr: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: InboxSuggestionResponse }) suggestion: InboxSuggestionResponse | null;
  @ApiPropertyOptional({ nullable: true, type: InboxForwardingResponse, description: 'the last forwarding into this inbox' })
  forwarded: InboxForwardingResponse | null;
  @ApiProperty() createdAt: string;
}

export class InboxPageResponse {
  @ApiProperty({ type: [InboxItemResponse] }) items: InboxItemResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}
