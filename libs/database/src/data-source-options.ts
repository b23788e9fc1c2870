import type { Pool } from 'pg';
import type { DataSource, DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@app/config';
import { MIGRATIONS } from '../../../migrations';

/** TypeORM options shared by the apps, the migration runner and the tests. */
export function dataSourceOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    extra: { max: config.database.poolSize, connectionTimeoutMillis: 5000 },
    logging: false,
  };
}

/**
 * The pg pool behind a TypeORM data source: hot paths and large reads query it directly (named,
 * i.e. prepared, statements; COPY) without the ORM layer.
 */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
