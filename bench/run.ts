/**
 * `npm run bench`: the same operations sent through the API and straight to the CouchDB server
 * underneath, in one run, on one machine, reported as ratios in bench/RESULTS.md.
 *
 * The app runs as its own process (as `npm start` would), against an embedded CouchDB-compatible
 * server on disk that this script starts, unless COUCHDB_URL names another one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startEmbeddedCouch } from '../src/embedded-couch/launcher';
import { accountDbName } from '../src/couch/account-db';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** Unmeasured load first: V8 compiles the hot paths of both servers before anything counts. */
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const ADMIN_PASSWORD = randomBytes(12).toString('hex');

interface Measure {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
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

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (child.exitCode !== null) throw new Error('the app exited during start-up');
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not answer at ${url}`);
}

async function json(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok)
    throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function measure(name: string, options: autocannon.Options): Promise<Measure> {
  progress(`${name}: warming up ${WARMUP_S} s, then ${DURATION_S} s, ${CONNECTIONS} connections`);
  await autocannon({ connections: CONNECTIONS, duration: WARMUP_S, ...options });
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const m: Measure = {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
  progress(
    `${name}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}, non-2xx ${m.non2xx}`,
  );
  return m;
}

function row(api: Measure, direct: Measure): string {
  const ratio = api.rps / direct.rps;
  return `| ${api.name} | ${api.rps.toFixed(0)} | ${api.p50} / ${api.p99} | ${direct.rps.toFixed(0)} | ${direct.p50} / ${direct.p99} | **${ratio.toFixed(2)}** |`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crossbar-bench-'));
  const couch = process.env.COUCHDB_URL ? undefined : await startEmbeddedCouch({ dataDir });
  const couchUrl = process.env.COUCHDB_URL ?? couch!.url;
  progress(
    couch
      ? `embedded CouchDB-compatible server on port ${couch.port} (leveldb in ${dataDir})`
      : 'CouchDB from COUCHDB_URL',
  );

  const port = await freePort();
  const app = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), join(__dirname, '..', 'src', 'index.ts')],
    {
      env: {
        ...process.env,
        COUCHDB_URL: couchUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        CROSSBAR_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(`${base}/`, app);
    progress(`app listening on ${base}`);

    const credentials = createHash('md5').update(`admin:${ADMIN_PASSWORD}`).digest('hex');
    const login = await json(`${base}/v2/user_auth`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { credentials, account_name: 'master' } }),
    });
    const token = login.auth_token as string;
    const masterId = (login.data as { account_id: string }).account_id;
    const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
    const account = await json(`${base}/v2/accounts/${masterId}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ data: { name: `bench-${randomBytes(4).toString('hex')}` } }),
    });
    const accountId = (account.data as { id: string }).id;
    const thing = await json(`${base}/v2/accounts/${accountId}/things`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ data: { name: 'bench thing', stuff: ['a', 'b'] } }),
    });
    const thingId = (thing.data as { id: string }).id;

    const couchBase = new URL(couchUrl);
    const basic = `Basic ${Buffer.from(`${decodeURIComponent(couchBase.username)}:${decodeURIComponent(couchBase.password)}`).toString('base64')}`;
    const directDb = `${couchBase.protocol}//${couchBase.host}/${encodeURIComponent(accountDbName(accountId))}`;
    const directHeaders = {
      Authorization: basic,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    const body = JSON.stringify({ name: 'bench thing', stuff: ['a'], pvt_type: 'thing' });

    const getApi = await measure('GET a thing', {
      url: `${base}/v2/accounts/${accountId}/things/${thingId}`,
      headers,
    });
    const getDirect = await measure('GET the doc directly', {
      url: `${directDb}/${thingId}`,
      headers: directHeaders,
    });
    const putApi = await measure('PUT a thing', {
      url: `${base}/v2/accounts/${accountId}/things`,
      method: 'PUT',
      headers,
      body: JSON.stringify({ data: { name: 'bench thing', stuff: ['a'] } }),
    });
    const putDirect = await measure('POST a doc directly', {
      url: directDb,
      method: 'POST',
      headers: directHeaders,
      body,
    });

    const all = [getApi, getDirect, putApi, putDirect];
    const failures = all.filter((m) => m.errors > 0 || m.non2xx > 0);
    const report = [
      '# Benchmark results',
      '',
      `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ` +
        `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; autocannon, ${CONNECTIONS} connections, ` +
        `${DURATION_S} s per scenario after ${WARMUP_S} s of unmeasured warm-up; the app as its own process against ${couch ? 'the embedded CouchDB-compatible server (leveldb on disk)' : 'the CouchDB at COUCHDB_URL'}, ` +
        'and the same operation sent straight to that server in the same run.',
      '',
      "The ratio is API req/s ÷ direct req/s: the share of the store's own throughput the API keeps while adding " +
        'token checks, authorization, validation, envelopes and logging. Latencies are milliseconds.',
      '',
      '| scenario | API req/s | API p50 / p99 | direct req/s | direct p50 / p99 | ratio |',
      '|---|---|---|---|---|---|',
      row(getApi, getDirect),
      row(putApi, putDirect),
      '',
      `Goal (issue: foundation): GET keeps at least 0.8 of direct throughput — ${getApi.rps / getDirect.rps >= 0.8 ? 'met' : 'NOT met'} in this run.`,
      '',
      failures.length === 0
        ? 'Every request of every scenario succeeded.'
        : `Scenarios with failed requests: ${failures.map((m) => `${m.name} (${m.errors} errors, ${m.non2xx} non-2xx)`).join(', ')}.`,
      '',
    ].join('\n');
    writeFileSync(join(__dirname, 'RESULTS.md'), report);
    process.stdout.write(report);
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    app.kill('SIGTERM');
    await new Promise((resolve) => app.once('exit', resolve));
    await couch?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  progress(`failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
