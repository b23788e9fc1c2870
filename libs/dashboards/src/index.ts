export * from './dto/dashboard.dto';
export * from './dashboard-period';
export * from './dashboard.repository';
export * from './dashboard.service';
export * from './dashboards.module';
