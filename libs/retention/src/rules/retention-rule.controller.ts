import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { ChangeRetentionRuleDto, RetentionRuleChangeResponse, RetentionRulePreviewQuery, RetentionRulePreviewResponse } from './retention-rule.dto';
import { RetentionRuleService } from './retention-rule.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('api/v1/file-plan')
export class RetentionRuleController {
  constructor(private readonly rules: RetentionRuleService) {}

  /** How many case files a change to (years, trigger) would recompute, before it is confirmed. */
  @Get(':code/retention/preview')
  @Roles(Role.RecordsManager)
  preview(@Ctx() ctx: RequestContext, @Param('code') code: string, @Query() q: RetentionRulePreviewQuery): Promise<RetentionRulePreviewResponse> {
    return this.rules.preview(ctx, code, q.years ?? null, q.trigger);
  }

  @Put(':code/retention')
  @Roles(Role.RecordsManager)
  change(@Ctx() ctx: RequestContext, @Param('code') code: string, @Body() dto: ChangeRetentionRuleDto): Promise<RetentionRuleChangeResponse> {
    return this.rules.change(ctx, code, dto);
  }
}
