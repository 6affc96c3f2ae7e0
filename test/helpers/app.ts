import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp, type AppDeps } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { prepareServices } from '../../src/services';

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'test-admin-password';

/** Log lines the app wrote, for tests that read them (redaction). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

export interface TestApp {
  /** The real app, listening on a free port of 127.0.0.1. */
  http: ReturnType<typeof request>;
  baseUrl: string;
  deps: AppDeps;
  logs: LogCapture;
  close(): Promise<void>;
}

/** Starts the real app (the same services and app as `npm start`) against the test CouchDB. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const couchUrl = env.COUCHDB_URL ?? process.env.COUCHDB_URL;
  if (!couchUrl)
    throw new Error('COUCHDB_URL is not set: run the integration project (global setup)');
  const config: Config = loadConfig({
    CROSSBAR_ADMIN_USER: ADMIN_USER,
    CROSSBAR_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...env,
    COUCHDB_URL: couchUrl,
  });
  const logs = new LogCapture();
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'info', logs);
  const deps = await prepareServices(config, couchUrl, log);
  const server: Server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    http: request(baseUrl),
    baseUrl,
    deps,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
