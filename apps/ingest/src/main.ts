import 'reflect-metadata';
import { runHttpApp } from '@app/health';
import { IngestAppModule } from './ingest.module';

void runHttpApp(IngestAppModule, {
  name: 'ingest',
  title: 'E-Akte ingest service',
  description: 'Scan-centre batch upload (Posteingang)',
  port: (c) => c.ports.ingest,
});
