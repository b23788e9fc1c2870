export * from './health.module';
export * from './preflight';
export * from './bootstrap';
