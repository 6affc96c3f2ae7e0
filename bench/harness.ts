/** What every benchmark scenario shares: the store, the app as its own process, load, reporting. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { accountDbName } from '../src/couch/account-db';
import { startEmbeddedCouch, type EmbeddedCouch } from '../src/embedded-couch/launcher';

export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** Unmeasured load first: V8 compiles the hot paths of both servers before anything counts. */
export const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export interface Measure {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  failed: number;
}

export async function measure(name: string, options: autocannon.Options): Promise<Measure> {
  const connections = options.connections ?? CONNECTIONS;
  progress(`${name}: warming up ${WARMUP_S} s, then ${DURATION_S} s at ${connections} connections`);
  await autocannon({ connections: CONNECTIONS, duration: WARMUP_S, ...options });
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const m: Measure = {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
  };
  progress(
    `${name}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, failed ${m.failed}`,
  );
  return m;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A running stack: the store, the app process, an admin token and an account to work in. */
export interface Stack {
  base: string;
  app: ChildProcess;
  couchUrl: string;
  adminPassword: string;
  token: string;
  accountId: string;
  headers: Record<string, string>;
  /** The account database's URL on the store, and the headers to talk to it directly. */
  directDb: string;
  directHeaders: Record<string, string>;
  isEmbedded: boolean;
  stop(): Promise<void>;
}

export async function api(
  stack: Pick<Stack, 'base' | 'headers'>,
  method: string,
  path: string,
  data?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.base}${path}`, {
    method,
    headers: stack.headers,
    ...(data === undefined ? {} : { body: JSON.stringify({ data }) }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error('the app exited during start-up');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not answer at ${url}`);
}

/**
 * The compiled app as its own process, as `npm start` runs it, on a free port; `nodeArgs` go to
 * node itself (V8 flags).
 */
export async function spawnApp(
  couchUrl: string,
  adminPassword: string,
  nodeArgs: string[] = [],
): Promise<{ app: ChildProcess; base: string }> {
  const entry = join(__dirname, '..', 'dist', 'src', 'index.js');
  if (!existsSync(entry)) throw new Error('dist/ is missing: npm run bench builds it first');
  const port = await freePort();
  const app = spawn(process.execPath, [...nodeArgs, entry], {
    env: {
      ...process.env,
      COUCHDB_URL: couchUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      CROSSBAR_ADMIN_PASSWORD: adminPassword,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${base}/`, app);
  return { app, base };
}

/**
 * Starts the embedded store on disk (unless COUCHDB_URL names one) and the compiled app as its
 * own process, as `npm start` runs it; logs in and makes an account.
 */
export async function startStack(): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crossbar-bench-'));
  let couch: EmbeddedCouch | undefined;
  if (!process.env.COUCHDB_URL) couch = await startEmbeddedCouch({ dataDir });
  const couchUrl = process.env.COUCHDB_URL ?? couch!.url;
  progress(
    couch ? `embedded store on port ${couch.port} (leveldb in ${dataDir})` : 'store: COUCHDB_URL',
  );

  const password = randomBytes(12).toString('hex');
  const { app, base } = await spawnApp(couchUrl, password);
  progress(`app (pid ${app.pid}) listening on ${base}`);

  const json = { 'Content-Type': 'application/json' };
  const credentials = createHash('md5').update(`admin:${password}`).digest('hex');
  const login = await api({ base, headers: json }, 'PUT', '/v2/user_auth', {
    credentials,
    account_name: 'master',
  });
  const token = login.auth_token as string;
  const headers = { ...json, 'X-Auth-Token': token };
  const masterId = (login.data as { account_id: string }).account_id;
  const account = await api({ base, headers }, 'PUT', `/v2/accounts/${masterId}`, {
    name: `bench-${randomBytes(4).toString('hex')}`,
  });
  const accountId = (account.data as { id: string }).id;

  const store = new URL(couchUrl);
  const basic = Buffer.from(
    `${decodeURIComponent(store.username)}:${decodeURIComponent(store.password)}`,
  );
  return {
    base,
    app,
    couchUrl,
    adminPassword: password,
    token,
    accountId,
    headers,
    directDb: `${store.protocol}//${store.host}/${encodeURIComponent(accountDbName(accountId))}`,
    directHeaders: {
      Authorization: `Basic ${basic.toString('base64')}`,
      ...json,
      Accept: 'application/json',
    },
    isEmbedded: couch !== undefined,
    async stop() {
      app.kill('SIGTERM');
      await new Promise((resolve) => app.once('exit', resolve));
      await couch?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident and peak resident memory of a process, in bytes (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Clears the kernel's peak-RSS mark of a process, so VmHWM measures from now (Linux). */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not permitted here: the peak then counts from process start, which only overstates growth.
  }
}
