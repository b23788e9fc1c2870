import 'reflect-metadata';
import { runHttpApp } from '@app/health';
import { SeedService } from '@app/records';
import { RecordsApiModule } from './records-api.module';

void runHttpApp(RecordsApiModule, {
  name: 'records-api',
  title: 'E-Akte records API',
  description: 'Case files (Akten), documents, search, retention and audit trail',
  port: (c) => c.ports.records,
  beforeListen: async (app, config) => {
    if (config.seedDemoData) await app.get(SeedService).seedIfEmpty();
  },
});
