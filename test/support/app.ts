import type { INestApplication, Type } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import { AuditErrorObserver } from '@app/audit';
import { signDevToken } from '@app/auth';
import { configureHttpApp } from '@app/common';
import { APP_CONFIG, AppConfig, loadConfig } from '@app/config';
import { SeedService } from '@app/records';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  token: (who: TestUser) => Promise<string>;
  close: () => Promise<void>;
}

export interface TestUser {
  sub: string;
  roles: string[];
  departments?: string[];
  name?: string;
}

/**
 * Boots an app module as main.ts does (validation, error filter, audit of denials), with its
 * configuration from the test run's environment plus `env`, and the demo data seeded.
 */
export async function startApp(
  module: Type<unknown>,
  options: { env?: Record<string, string>; override?: (b: TestingModuleBuilder) => TestingModuleBuilder; seed?: boolean } = {},
): Promise<TestApp> {
  const config = loadConfig({ ...process.env, ...options.env });
  let builder = Test.createTestingModule({ imports: [module] }).overrideProvider(APP_CONFIG).useValue(config);
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  configureHttpApp(app, { title: 'test', description: 'test', errorObserver: app.get(AuditErrorObserver), docs: true });
  await app.init();
  if (options.seed !== false) {
    try {
      await app.get(SeedService, { strict: false }).seedIfEmpty();
    } catch {
      /* apps without the records module */
    }
  }
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    token: (who) => signDevToken(config, { sub: who.sub, name: who.name, roles: who.roles, departments: who.departments ?? [] }),
    close: () => app.close(),
  };
}

export const users = {
  caseworker32: { sub: 'anna.32', name: 'Anna Ordnung', roles: ['caseworker'], departments: ['32'] },
  caseworker50: { sub: 'bernd.50', name: 'Bernd Sozial', roles: ['caseworker'], departments: ['50'] },
  recordsManager: { sub: 'rita.rm', name: 'Rita Registratur', roles: ['records_manager'], departments: [] },
  auditor: { sub: 'paul.rpa', name: 'Paul Prüfer', roles: ['auditor'], departments: [] },
  admin: { sub: 'adam.admin', name: 'Adam Admin', roles: ['admin'], departments: [] },
  scanOperator: { sub: 'sina.scan', name: 'Sina Scan', roles: ['scan_operator'], departments: [] },
} satisfies Record<string, TestUser>;
