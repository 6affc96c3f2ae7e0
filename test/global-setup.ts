import { request as httpRequest } from 'node:http';
import { existsSync } from 'node:fs';
import { startEmbeddedCouch } from '../src/embedded-couch/launcher';

/** What global-teardown stops. Kept on globalThis: jest runs setup and teardown in one process. */
interface TestCouch {
  stop(): Promise<void>;
}
declare global {
  var __TEST_COUCH__: TestCouch | undefined;
}

const DOCKER_PROBE_TIMEOUT_MS = 1500;

/** Where a Docker engine might listen: DOCKER_HOST, else the usual sockets. */
function dockerEndpoints(): Array<{ socketPath: string } | { host: string; port: number }> {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost?.startsWith('unix://'))
    return [{ socketPath: dockerHost.slice('unix://'.length) }];
  if (dockerHost?.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return [{ host: url.hostname, port: Number(url.port || 2375) }];
  }
  const home = process.env.HOME ?? '';
  return [
    '/var/run/docker.sock',
    `${home}/.docker/run/docker.sock`,
    `${home}/.docker/desktop/docker.sock`,
  ]
    .filter((socketPath) => existsSync(socketPath))
    .map((socketPath) => ({ socketPath }));
}

/** testcontainers has no timeout of its own and hangs on an engine that never answers: probe first. */
function pingDocker(
  endpoint: { socketPath: string } | { host: string; port: number },
): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { ...endpoint, path: '/_ping', method: 'GET', timeout: DOCKER_PROBE_TIMEOUT_MS },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function hasDocker(): Promise<boolean> {
  for (const endpoint of dockerEndpoints()) {
    if (await pingDocker(endpoint)) return true;
  }
  return false;
}

async function startCouchContainer(): Promise<{ url: string; stop(): Promise<void> }> {
  // Required lazily: without Docker the module is never loaded.
  const { CouchDBContainer } = await import('@testcontainers/couchdb');
  const container = await new CouchDBContainer('couchdb:3').start();
  // getUrl() carries the generated admin credentials, as nano wants them.
  return { url: container.getUrl(), stop: async () => void (await container.stop()) };
}

/** COUCHDB_URL if given; else a CouchDB container where Docker answers; else the embedded server in memory. */
export default async function globalSetup(): Promise<void> {
  if (process.env.COUCHDB_URL) {
    process.stderr.write(`\n[tests] CouchDB: COUCHDB_URL as given\n`);
    return;
  }
  if (await hasDocker()) {
    const couch = await startCouchContainer();
    globalThis.__TEST_COUCH__ = couch;
    process.env.COUCHDB_URL = couch.url;
    process.stderr.write(`\n[tests] CouchDB: couchdb:3 container (testcontainers)\n`);
    return;
  }
  const couch = await startEmbeddedCouch({});
  globalThis.__TEST_COUCH__ = couch;
  process.env.COUCHDB_URL = couch.url;
  process.stderr.write(
    `\n[tests] CouchDB: embedded server, in memory (no Docker engine answered)\n`,
  );
}
