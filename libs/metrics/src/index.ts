export * from './metrics.service';
export * from './metrics.module';
export * from './metrics-access';
export { routeTemplate } from './http-metrics.middleware';
