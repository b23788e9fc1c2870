import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditErrorObserver } from '@app/audit';
import { configureHttpApp } from '@app/common';
import { AppConfig, loadConfig } from '@app/config';
import { preflight } from './preflight';

export interface HttpAppSpec {
  name: string;
  title: string;
  description: string;
  port: (config: AppConfig) => number;
  /** Runs after init, before listening (e.g. seeding). */
  beforeListen?: (app: INestApplication, config: AppConfig) => Promise<void>;
}

/** Creates an API app as main.ts and the e2e tests do: same logging, validation, errors, audit of denials. */
export async function createHttpApp(module: Type<unknown>, spec: Pick<HttpAppSpec, 'title' | 'description'>): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true, bodyParser: false });
  configureHttpApp(app, { title: spec.title, description: spec.description, errorObserver: app.get(AuditErrorObserver) });
  return app;
}

/** main.ts of an API app: validate config, check dependencies, start, listen. Exits with a reason on failure. */
export async function runHttpApp(module: Type<unknown>, spec: HttpAppSpec): Promise<void> {
  try {
    const config = loadConfig();
    await preflight(config);
    const app = await createHttpApp(module, spec);
    await app.init();
    await spec.beforeListen?.(app, config);
    await app.listen(spec.port(config), config.host);
  } catch (e) {
    process.stderr.write(`${spec.name}: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
