import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FsObjectStorage } from './fs-object-storage';
import { ObjectStorage } from './object-storage';
import { S3ObjectStorage } from './s3-object-storage';

export function createObjectStorage(config: Pick<AppConfig, 'storage'>): ObjectStorage {
  const s = config.storage;
  return s.driver === 's3' ? new S3ObjectStorage(s) : new FsObjectStorage(s.dir);
}

@Global()
@Module({
  providers: [
    {
      provide: ObjectStorage,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const storage = createObjectStorage(config);
        await storage.ensureReady();
        return storage;
      },
    },
  ],
  exports: [ObjectStorage],
})
export class StorageModule {}
