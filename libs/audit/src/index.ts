export * from './audit-event';
export * from './audit.repository';
export * from './audit.service';
export * from './audit-error.observer';
export * from './audit.module';
export * from './request-context';
