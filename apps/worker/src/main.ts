import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '@app/config';
import { preflight } from '@app/health';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  try {
    const config = loadConfig();
    await preflight(config);
    // An HTTP app only for the health port; the processors are what this process is for.
    const app = await NestFactory.create(WorkerModule, { bufferLogs: true, bodyParser: false });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
    await app.listen(config.ports.workerHealth, config.host);
  } catch (e) {
    process.stderr.write(`worker: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

void main();
