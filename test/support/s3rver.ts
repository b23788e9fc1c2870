import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
// s3rver ships no type declarations
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
};

/** s3rver's built-in account (it accepts only this key pair). */
export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';

export interface RunningS3 {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Environment for `loadConfig`/`startApp` that selects the S3 driver against this server. */
  env: Record<string, string>;
  /** Settings for `new S3ObjectStorage(...)`. */
  settings: { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string };
  stop: () => Promise<void>;
  /** Stops answering (connections refused) but keeps the stored objects. */
  halt: () => Promise<void>;
  /** Serves again on the same port with the objects kept by `halt()`. */
  resume: () => Promise<void>;
}

/**
 * Starts s3rver (a local S3 implementation) on 127.0.0.1 at a free port with a temporary
 * directory, for tests of the S3 driver over loopback. `stop()` closes it and removes its files.
 */
export async function startS3rver(options: { bucket?: string } = {}): Promise<RunningS3> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'eakte-s3rver-'));
  const listen = async (port: number) => {
    const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, resetOnClose: false });
    return { server, address: await server.run() };
  };
  let { server, address } = await listen(0);
  let running = true;
  const close = async () => {
    if (!running) return;
    running = false;
    // keep-alive sockets of the S3 client would hold close() open
    server.httpServer?.closeAllConnections();
    await server.close();
  };
  const endpoint = `http://127.0.0.1:${address.port}`;
  const bucket = options.bucket ?? `eakte-test-${Math.random().toString(36).slice(2, 8)}`;
  return {
    endpoint,
    accessKey: S3RVER_ACCESS_KEY,
    secretKey: S3RVER_SECRET_KEY,
    bucket,
    env: { STORAGE_DRIVER: 's3', S3_ENDPOINT: endpoint, S3_ACCESS_KEY: S3RVER_ACCESS_KEY, S3_SECRET_KEY: S3RVER_SECRET_KEY, S3_BUCKET: bucket },
    settings: { endpoint, accessKey: S3RVER_ACCESS_KEY, secretKey: S3RVER_SECRET_KEY, bucket, region: 'us-east-1' },
    stop: async () => {
      await close();
      rmSync(directory, { recursive: true, force: true });
    },
    halt: close,
    resume: async () => {
      if (running) return;
      ({ server } = await listen(address.port));
      running = true;
    },
  };
}
