import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { startEmbeddedCouch, type EmbeddedCouch } from './embedded-couch/launcher';
import { createLogger } from './logger';
import { prepareServices, syncAccountDesignDocs } from './services';

/** The process: config → CouchDB (embedded if none is configured) → app → listen → shutdown. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`crossbar-ts: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });

  let embedded: EmbeddedCouch | undefined;
  let couchUrl = config.couchdbUrl;
  if (couchUrl === undefined) {
    const dataDir = resolve(config.dataDir);
    embedded = await startEmbeddedCouch({ dataDir });
    couchUrl = embedded.url;
    log.info(
      { data_dir: dataDir, port: embedded.port },
      'started the embedded CouchDB-compatible server',
    );
  }

  const deps = await prepareServices(config, couchUrl, log);
  const app = createApp(deps);
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((ready, fail) => {
    server.once('listening', ready);
    server.once('error', fail);
  });
  log.info(
    { url: `http://${config.host}:${config.port}`, master_account_id: deps.masterAccountId },
    'crossbar-ts listening',
  );
  void syncAccountDesignDocs(deps.couch, log).catch((err: unknown) =>
    log.error({ err }, 'design document sync failed'),
  );

  let isStopping = false;
  const stop = (signal: string): void => {
    if (isStopping) return;
    isStopping = true;
    log.info({ signal }, 'shutting down');
    server.close(() => {
      void (embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main().catch((err: unknown) => {
  process.stderr.write(
    `crossbar-ts: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
