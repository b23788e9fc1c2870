import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { ChangeRetentionRuleDto, RetentionRuleChangeResponse } from './retention-rule.dto';
import { RetentionRuleService } from './retention-rule.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('api/v1/file-plan')
export class RetentionRuleController {
  constructor(private readonly rules: RetentionRuleService) {}

  @Put(':code/retention')
  @Roles(Role.RecordsManager)
  change(@Ctx() ctx: RequestContext, @Param('code') code: string, @Body() dto: ChangeRetentionRuleDto): Promise<RetentionRuleChangeResponse> {
    return this.rules.change(ctx, code, dto);
  }
}
