export * from './data-source-options';
export * from './database-bootstrap';
export * from './database.module';
export * from './postgres-errors';
