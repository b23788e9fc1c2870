import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { CreateDepartmentDto, DepartmentResponse, toDepartmentResponse } from './department.dto';
import { DepartmentService } from './department.service';

@ApiTags('departments')
@ApiBearerAuth()
@Controller('api/v1/departments')
export class DepartmentController {
  constructor(private readonly departments: DepartmentService) {}

  @Get()
  async list(@Ctx() ctx: RequestContext): Promise<DepartmentResponse[]> {
    return (await this.departments.list(ctx)).map(toDepartmentResponse);
  }

  @Post()
  @Roles(Role.Admin)
  async create(@Ctx() ctx: RequestContext, @Body() dto: CreateDepartmentDto): Promise<DepartmentResponse> {
    return toDepartmentResponse(await this.departments.create(ctx, dto));
  }
}
