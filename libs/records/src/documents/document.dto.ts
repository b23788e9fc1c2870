import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsInt, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import type { Document, DocumentClassification, DocumentOcrSummary } from './document.entity';
import type { DocumentVersion } from './document-version.entity';
import { DocumentFile, FILE_VARIANTS, FileVariant } from './document-file.entity';

/** Document types of incoming mail (Antrag, Widerspruch, …); free text is allowed for others. */
export const DOCUMENT_TYPES = [
  'antrag',
  'widerspruch',
  'rechnung',
  'beschwerde',
  'anfrage',
  'mahnung',
  'vollmacht',
  'nachweis',
  'kuendigung',
  'anzeige',
  'bescheid',
  'sonstiges',
];

/** Version numbers are stored as int4: a larger one can never exist and must not reach the database. */
export const MAX_VERSION_NO = 2_147_483_647;

export class ContentQuery {
  @ApiPropertyOptional({ enum: FILE_VARIANTS, default: 'original' })
  @IsOptional()
  @IsIn(FILE_VARIANTS)
  variant?: FileVariant;

  @ApiPropertyOptional({ description: 'version number; default the current one', minimum: 1, maximum: MAX_VERSION_NO })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION_NO)
  version?: number;
}

export class DocumentSummaryResponse {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ nullable: true, description: 'the Vorgang of the case file it belongs to' }) vorgangId: string | null;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ nullable: true }) documentType: string | null;
  @ApiProperty() status: string;
  @ApiProperty() currentVersion: number;
  @ApiProperty() createdAt: string;
}

export class DocumentFileResponse {
  @ApiProperty({ enum: FILE_VARIANTS }) variant: FileVariant;
  @ApiProperty() sha256: string;
  @ApiProperty() size: number;
  @ApiProperty() mimeType: string;
  @ApiPropertyOptional({ nullable: true }) filename: string | null;
}

export class DocumentVersionResponse {
  @ApiProperty() versionNo: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: string;
  @ApiPropertyOptional({ nullable: true }) comment: string | null;
  @ApiProperty({ type: [DocumentFileResponse] }) files: DocumentFileResponse[];
}

export class DocumentResponse extends DocumentSummaryResponse {
  @ApiPropertyOptional({ nullable: true }) caseFileId: string | null;
  @ApiPropertyOptional({ nullable: true }) departmentCode: string | null;
  @ApiProperty({ enum: ['upload', 'scan'] }) source: string;
  @ApiPropertyOptional({ nullable: true }) batchId: string | null;
  @ApiProperty({ description: 'SHA-256 of the current original' }) sha256: string | null;
  @ApiProperty() size: number | null;
  @ApiProperty() mimeType: string | null;
  @ApiPropertyOptional({ nullable: true }) classification: DocumentClassification | null;
  @ApiPropertyOptional({ nullable: true, description: 'pageCount, meanConfidence (0–100), skippedOcr and, for scans, pages[] with pageNo, meanConfidence, rotation, skewDegrees, source' })
  ocr: DocumentOcrSummary | null;
  @ApiPropertyOptional({ nullable: true }) error: string | null;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ type: [DocumentVersionResponse] }) versions: DocumentVersionResponse[];
  /** Extensions (capture record, transfer note) added by other modules. */
  [extra: string]: unknown;
}

export const toDocumentSummary = (d: Document): DocumentSummaryResponse => ({
  id: d.id,
  vorgangId: d.vorgangId,
  title: d.title,
  documentType: d.documentType,
  status: d.status,
  currentVersion: d.currentVersion,
  createdAt: d.createdAt.toISOString(),
});

export const toFileResponse = (f: DocumentFile): DocumentFileResponse => ({
  variant: f.variant,
  sha256: f.sha256,
  size: f.size,
  mimeType: f.mimeType,
  filename: f.filename,
});

export function toDocumentResponse(d: Document, versions: DocumentVersion[], files: DocumentFile[]): DocumentResponse {
  const byVersion = new Map<string, DocumentFile[]>();
  for (const f of files) byVersion.set(f.versionId, [...(byVersion.get(f.versionId) ?? []), f]);
  const current = versions.find((v) => v.versionNo === d.currentVersion);
  const original = current ? byVersion.get(current.id)?.find((f) => f.variant === 'original') : undefined;
  return {
    ...toDocumentSummary(d),
    caseFileId: d.caseFileId,
    departmentCode: d.departmentCode,
    source: d.source,
    batchId: d.batchId,
    sha256: original?.sha256 ?? null,
    size: original?.size ?? null,
    mimeType: original?.mimeType ?? null,
    classification: d.classification,
    ocr: d.ocr,
    error: d.error,
    updatedAt: d.updatedAt.toISOString(),
    versions: versions
      .sort((a, b) => a.versionNo - b.versionNo)
      .map((v) => ({
        versionNo: v.versionNo,
        createdAt: v.createdAt.toISOString(),
        createdBy: v.createdBy,
        comment: v.comment,
        files: (byVersion.get(v.id) ?? []).map(toFileResponse),
      })),
  };
}
