/**
 * Child-process entry point of the embedded CouchDB-compatible server (forked by launcher.ts).
 *
 * Environment:
 *   EMBEDDED_COUCH_DATA_DIR   leveldb folder; absent → in-memory store
 *   EMBEDDED_COUCH_USER       admin name (required)
 *   EMBEDDED_COUCH_PASSWORD   admin password (required)
 *   EMBEDDED_COUCH_PORT       port on 127.0.0.1; 0 or absent → any free port
 *   LOG_LEVEL                 pino level; default 'warn'
 *
 * Sends `{type:'ready', port}` to the parent once listening. Stops on SIGTERM/SIGINT and when
 * the parent's IPC channel goes away, so it never outlives the app. Logs JSON to stderr only:
 * the parent may own stdout.
 */
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { format } from 'node:util';
import pino, { type Logger } from 'pino';
import { createCompatApp } from './compat';
import { createPouchStore, type PouchStore } from './pouch-store';

/** The message the parent waits for. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
}

interface ServerSettings {
  dataDir: string | undefined;
  user: string;
  password: string;
  port: number;
}

function readSettings(env: NodeJS.ProcessEnv): ServerSettings {
  const user = env['EMBEDDED_COUCH_USER'] ?? '';
  const password = env['EMBEDDED_COUCH_PASSWORD'] ?? '';
  // Fail closed: without admin credentials every database would be open to anyone on the host.
  if (user === '' || password === '')
    throw new Error('EMBEDDED_COUCH_USER and EMBEDDED_COUCH_PASSWORD are required');
  const portText = env['EMBEDDED_COUCH_PORT'] ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid EMBEDDED_COUCH_PORT '${portText}'`);
  const dataDir = env['EMBEDDED_COUCH_DATA_DIR'];
  return { dataDir: dataDir ? path.resolve(dataDir) : undefined, user, password, port };
}

/** express-pouchdb and its plugins print with console.*; keep that off stdout and in pino. */
function routeConsoleToLogger(log: Logger): void {
  const toLog =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      log[level]({ source: 'console' }, format(...args));
    };
  /* eslint-disable no-console -- replacing console's methods, not printing with them */
  console.log = toLog('info');
  console.info = toLog('info');
  console.debug = toLog('debug');
  console.warn = toLog('warn');
  console.error = toLog('error');
  /* eslint-enable no-console */
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string')
        return reject(new Error('server has no TCP address'));
      resolve(address.port);
    });
  });
}

async function main(): Promise<void> {
  // Sync writes: few lines, and none may be lost when the process exits right after.
  const log = pino(
    { name: 'embedded-couch', level: process.env['LOG_LEVEL'] ?? 'warn' },
    pino.destination({ dest: 2, sync: true }),
  );
  routeConsoleToLogger(log);

  let store: PouchStore | undefined;
  let server: Server | undefined;
  let stopping = false;
  const stop = (reason: string, exitCode: number): void => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'stopping');
    server?.close();
    // Keep-alive sockets (nano pools them) would hold close() open indefinitely.
    server?.closeAllConnections();
    (store?.close() ?? Promise.resolve())
      .catch((err: unknown) => log.warn({ err }, 'closing databases failed'))
      .finally(() => process.exit(exitCode));
  };

  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('disconnect', () => stop('parent disconnected', 0));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  // express-pouchdb (written for PouchDB 7) leaves some promise chains without a catch. Such a
  // rejection loses one request; exiting would take every database away from the app with it.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  try {
    const settings = readSettings(process.env);
    store = await createPouchStore(settings.dataDir);
    const app = createCompatApp({
      store,
      admin: { user: settings.user, password: settings.password },
      log,
    });
    server = createServer(app);
    server.keepAliveTimeout = 30_000; // longer than undici's 4 s default idle, so the client closes first
    const port = await listen(server, settings.port);
    log.info({ port, data_dir: settings.dataDir ?? 'memory' }, 'listening');
    const ready: ReadyMessage = { type: 'ready', port };
    process.send?.(ready);
  } catch (err) {
    log.fatal({ err }, 'embedded CouchDB failed to start');
    process.exit(1);
  }
}

void main();
