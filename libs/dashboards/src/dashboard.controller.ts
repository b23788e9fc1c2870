import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx } from '@app/audit';
import { Roles } from '@app/auth';
import { RequestContext, Role } from '@app/common';
import { DashboardService } from './dashboard.service';
import {
  AuditorDashboardResponse,
  CaseworkerDashboardResponse,
  DashboardDaysQuery,
  DashboardYearsQuery,
  RecordsManagerDashboardResponse,
  ScanCentreDashboardResponse,
} from './dto/dashboard.dto';

/** Übersicht: one dashboard per role, `GET /api/v1/dashboards/<name>`; another role's dashboard is 403. */
@ApiTags('dashboards')
@ApiBearerAuth()
@Controller('api/v1/dashboards')
export class DashboardController {
  constructor(private readonly dashboards: DashboardService) {}

  /** Admins see all batches (GET /batches), so they may see the scan centre's figures too. */
  @Get('scan-centre')
  @Roles(Role.ScanOperator, Role.Admin)
  @ApiOperation({ summary: "Scan centre: letters and pages per day, where the period's letters went, the backlog now" })
  @ApiOkResponse({ type: ScanCentreDashboardResponse })
  scanCentre(@Ctx() ctx: RequestContext, @Query() q: DashboardDaysQuery): Promise<ScanCentreDashboardResponse> {
    return this.dashboards.scanCentre(ctx, q.days);
  }

  @Get('caseworker')
  @Roles(Role.Caseworker)
  @ApiOperation({ summary: "Caseworkers and department leads: inbox size and age per department of yours, your departments' scanned letters per day" })
  @ApiOkResponse({ type: CaseworkerDashboardResponse })
  caseworker(@Ctx() ctx: RequestContext, @Query() q: DashboardDaysQuery): Promise<CaseworkerDashboardResponse> {
    return this.dashboards.caseworker(ctx, q.days);
  }

  @Get('records-manager')
  @Roles(Role.RecordsManager)
  @ApiOperation({ summary: 'Records managers: closed case files by the year their retention ends, those already ended, disposal offers by state' })
  @ApiOkResponse({ type: RecordsManagerDashboardResponse })
  recordsManager(@Ctx() ctx: RequestContext, @Query() q: DashboardYearsQuery): Promise<RecordsManagerDashboardResponse> {
    return this.dashboards.recordsManager(ctx, q.years);
  }

  @Get('auditor')
  @Roles(Role.Auditor)
  @ApiOperation({ summary: 'Auditors: audit events and denied attempts per day' })
  @ApiOkResponse({ type: AuditorDashboardResponse })
  auditor(@Ctx() ctx: RequestContext, @Query() q: DashboardDaysQuery): Promise<AuditorDashboardResponse> {
    return this.dashboards.auditor(ctx, q.days);
  }
}
