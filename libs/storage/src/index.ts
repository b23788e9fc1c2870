export * from './content-type';
export * from './fs-object-storage';
export * from './object-storage';
export * from './s3-object-storage';
export * from './spool';
export * from './storage.module';
export * from './multipart';
export * from './zip-type';
