export * from './web-host.module';
