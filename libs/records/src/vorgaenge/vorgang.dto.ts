import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { NoControlCharacters } from '@app/common';
import { VORGANG_STATUSES, Vorgang, VorgangStatus } from './vorgang.entity';

export class CreateVorgangDto {
  @ApiProperty({ example: 'Antrag auf Außengastronomie 2026' })
  @IsString()
  @Length(1, 500)
  @NoControlCharacters({ multiLine: true })
  title: string;
}

export class UpdateVorgangDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @NoControlCharacters({ multiLine: true })
  title?: string;

  @ApiPropertyOptional({ enum: VORGANG_STATUSES, description: 'closed = abgeschlossen; reopening needs an open case file' })
  @IsOptional()
  @IsIn(VORGANG_STATUSES)
  status?: VorgangStatus;

  @ApiPropertyOptional({ description: 'why (audited; optional)' })
  @IsOptional()
  @IsString()
  @Length(3, 2000)
  @NoControlCharacters({ multiLine: true })
  reason?: string;
}

export class VorgangResponse {
  @ApiProperty() id: string;
  @ApiProperty() caseFileId: string;
  @ApiProperty({ description: 'running number within the case file' }) number: number;
  @ApiProperty({ description: 'Vorgangszeichen' }) reference: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: VORGANG_STATUSES }) status: string;
  @ApiProperty() openedAt: string;
  @ApiPropertyOptional({ nullable: true }) closedAt: string | null;
}

/** A Vorgang as the case file view reads it (timestamps already ISO text). */
export type VorgangView = VorgangResponse;

export const toVorgangResponse = (v: Vorgang): VorgangResponse => ({
  id: v.id,
  caseFileId: v.caseFileId,
  number: v.number,
  reference: v.reference,
  title: v.title,
  status: v.status,
  openedAt: v.openedAt.toISOString(),
  closedAt: v.closedAt ? v.closedAt.toISOString() : null,
});
