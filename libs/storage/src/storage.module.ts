import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Metrics } from '@app/metrics';
import { instrumentStorage } from './storage-metrics';
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
      inject: [APP_CONFIG, { token: Metrics, optional: true }],
      useFactory: async (config: AppConfig, metrics?: Metrics) => {
        const storage = metrics ? instrumentStorage(createObjectStorage(config), metrics) : createObjectStorage(config);
        await storage.ensureReady();
        return storage;
      },
    },
  ],
  exports: [ObjectStorage],
})
export class StorageModule {}
