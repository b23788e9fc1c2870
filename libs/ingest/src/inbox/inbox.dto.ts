import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '@app/common';

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

export class InboxItemResponse {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ nullable: true }) documentType: string | null;
  @ApiProperty() departmentCode: string;
  @ApiPropertyOptional({ nullable: true }) batchId: string | null;
  @ApiPropertyOptional({ nullable: true }) classification: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true }) ocr: Record<string, unknown> | null;
  @ApiProperty() createdAt: string;
}

export class InboxPageResponse {
  @ApiProperty({ type: [InboxItemResponse] }) items: InboxItemResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}
