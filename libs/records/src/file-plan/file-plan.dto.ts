import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { NoControlCharacters } from '@app/common';
import type { DisposalAction, FilePlanUnit, RetentionTrigger } from './file-plan-unit.entity';

export class RetentionRuleDto {
  @ApiProperty({ nullable: true, description: 'years to keep; null = forever', example: 10 })
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(1000)
  years: number | null;

  @ApiProperty({ enum: ['closed', 'created'] })
  @IsIn(['closed', 'created'])
  trigger: RetentionTrigger;

  @ApiProperty({ enum: ['destroy', 'archive', 'review'] })
  @IsIn(['destroy', 'archive', 'review'])
  disposal: DisposalAction;
}

export class CreateFilePlanUnitDto {
  @ApiProperty({ example: '32.1.2' })
  @IsString()
  @Matches(/^[0-9A-Za-z]+([.-][0-9A-Za-z]+)*$/, { message: 'code must be dot-separated letters and digits' })
  @Length(1, 64)
  code: string;

  @ApiProperty({ example: 'Gaststätten' })
  @IsString()
  @Length(1, 300)
  @NoControlCharacters({ multiLine: true })
  title: string;

  @ApiPropertyOptional({ example: '32.1' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @NoControlCharacters()
  parentCode?: string;

  @ApiProperty({ example: '32' })
  @IsString()
  @Length(1, 16)
  @NoControlCharacters()
  departmentCode: string;

  @ApiProperty({ type: RetentionRuleDto })
  @ValidateNested()
  @Type(() => RetentionRuleDto)
  retention: RetentionRuleDto;
}

export class FilePlanUnitResponse {
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ nullable: true }) parentCode: string | null;
  @ApiProperty() departmentCode: string;
  @ApiProperty({ type: RetentionRuleDto }) retention: RetentionRuleDto;
}

export const toFilePlanUnitResponse = (u: FilePlanUnit): FilePlanUnitResponse => ({
  code: u.code,
  title: u.title,
  parentCode: u.parentCode,
  departmentCode: u.departmentCode,
  retention: { years: u.retentionYears, trigger: u.retentionTrigger, disposal: u.disposal },
});
