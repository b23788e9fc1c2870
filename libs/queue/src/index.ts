export * from './queue-names';
export * from './queue.module';
export * from './redis-connection';
export * from './queue-availability';
export * from './queue-recovery';
