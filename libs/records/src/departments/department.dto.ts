import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { NoControlCharacters } from '@app/common';
import type { Department } from './department.entity';

export class CreateDepartmentDto {
  @ApiProperty({ example: '32', description: 'KGSt-style department code' })
  @IsString()
  @Matches(/^[0-9A-Za-z][0-9A-Za-z.-]{0,15}$/, { message: 'code must be 1-16 letters, digits, dots or dashes' })
  code: string;

  @ApiProperty({ example: 'Ordnungsamt' })
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  name: string;
}

export class DepartmentResponse {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export const toDepartmentResponse = (d: Department): DepartmentResponse => ({ code: d.code, name: d.name });
