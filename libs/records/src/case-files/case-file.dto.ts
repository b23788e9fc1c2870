import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { NoControlCharacters, PageQueryDto } from '@app/common';
import { CONFIDENTIALITY_LEVELS, CaseFile, Confidentiality } from './case-file.entity';
import { DocumentSummaryResponse } from '../documents/document.dto';
import { VorgangResponse } from '../vorgaenge/vorgang.dto';
import type { CaseFileView, DocumentSummaryView } from './case-file.repository';

export class CreateCaseFileDto {
  @ApiProperty({ example: '32.1.2' })
  @IsString()
  @Length(1, 64)
  @NoControlCharacters()
  filePlanCode: string;

  @ApiProperty({ example: 'Gaststättenerlaubnis Café Müller' })
  @IsString()
  @Length(1, 500)
  @NoControlCharacters({ multiLine: true })
  title: string;

  @ApiPropertyOptional({ enum: CONFIDENTIALITY_LEVELS, default: 'internal' })
  @IsOptional()
  @IsIn(CONFIDENTIALITY_LEVELS)
  confidentiality?: Confidentiality;
}

export class UpdateCaseFileDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @NoControlCharacters({ multiLine: true })
  title?: string;

  @ApiPropertyOptional({ enum: CONFIDENTIALITY_LEVELS })
  @IsOptional()
  @IsIn(CONFIDENTIALITY_LEVELS)
  confidentiality?: Confidentiality;

  @ApiPropertyOptional({ description: 'why (audited; optional)' })
  @IsOptional()
  @IsString()
  @Length(3, 2000)
  @NoControlCharacters({ multiLine: true })
  reason?: string;
}

export class ReopenCaseFileDto {
  @ApiProperty({ description: 'why the closed file is reopened (audited)' })
  @IsString()
  @Length(3, 2000)
  @NoControlCharacters({ multiLine: true })
  reason: string;
}

export class ListCaseFilesQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Aktenzeichen (exact)' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @NoControlCharacters()
  reference?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 16)
  @NoControlCharacters()
  departmentCode?: string;

  @ApiPropertyOptional({ example: 'open' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  @NoControlCharacters()
  status?: string;

  @ApiPropertyOptional({ description: 'file plan unit: case files of this unit and of the units below it', example: '32.1' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @NoControlCharacters()
  filePlanCode?: string;

  @ApiPropertyOptional({ description: 'text: every word must occur in the Aktenzeichen or the title (case-insensitive); for search as you type', example: 'Müller 2026/0001' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  q?: string;
}

export class CaseFileResponse {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Aktenzeichen' }) reference: string;
  @ApiProperty() title: string;
  @ApiProperty() departmentCode: string;
  @ApiProperty() filePlanCode: string;
  @ApiProperty() confidentiality: string;
  @ApiProperty({ example: 'open' }) status: string;
  @ApiProperty() openedAt: string;
  @ApiPropertyOptional({ nullable: true }) closedAt: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'end of the retention period; null = open or kept forever' })
  retainUntil: string | null;
}

export class CaseFileDetailResponse extends CaseFileResponse {
  @ApiProperty({ type: [DocumentSummaryResponse] }) documents: DocumentSummaryResponse[];
  @ApiProperty({ type: [VorgangResponse], description: 'Vorgänge by number' }) vorgaenge: VorgangResponse[];
}

export class CaseFilePageResponse {
  @ApiProperty({ type: [CaseFileResponse] }) items: CaseFileResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export const toCaseFileResponse = (c: CaseFile): CaseFileResponse =>
  caseFileViewResponse({
    ...c,
    openedAt: c.openedAt.toISOString(),
    closedAt: c.closedAt ? c.closedAt.toISOString() : null,
    retainUntil: c.retainUntil ? c.retainUntil.toISOString() : null,
  });

/** A case file as the API answers it, from the read model (timestamps as ISO text); entities go through toCaseFileResponse. */
export function caseFileViewResponse(c: CaseFileView): CaseFileResponse {
  return {
    id: c.id,
    reference: c.reference,
    title: c.title,
    departmentCode: c.departmentCode,
    filePlanCode: c.filePlanCode,
    confidentiality: c.confidentiality,
    status: c.status,
    openedAt: c.openedAt,
    closedAt: c.closedAt,
    retainUntil: c.retainUntil,
  };
}

export const documentSummaryViewResponse = (d: DocumentSummaryView): DocumentSummaryResponse => ({
  id: d.id,
  vorgangId: d.vorgangId,
  title: d.title,
  documentType: d.documentType,
  status: d.status,
  currentVersion: d.currentVersion,
  createdAt: d.createdAt,
});
