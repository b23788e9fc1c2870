import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { Clock, SystemClock } from '@app/common';
import { DashboardController } from './dashboard.controller';
import { DashboardRepository } from './dashboard.repository';
import { DashboardService } from './dashboard.service';

/** The dashboards' figures (service and repository). */
@Module({
  imports: [AuditModule],
  providers: [{ provide: Clock, useClass: SystemClock }, DashboardRepository, DashboardService],
  exports: [DashboardService],
})
export class DashboardsModule {}

/** The dashboard routes (records API only). */
@Module({
  imports: [DashboardsModule],
  controllers: [DashboardController],
})
export class DashboardsHttpModule {}
