export * from './actor';
export * from './clock';
export * from './domain-error';
export * from './exception.filter';
export * from './pagination';
export * from './validation';
export * from './http-app';
export * from './logging';
