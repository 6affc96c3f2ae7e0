/**
 * Starts the embedded CouchDB-compatible server (server.ts) as a child process and hands back
 * a CouchDB URL with freshly generated admin credentials, for the same nano code that talks to
 * a real CouchDB.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReadyMessage } from './server';

export interface EmbeddedCouch {
  /** `http://USER:PASS@127.0.0.1:PORT`, credentials included. */
  url: string;
  port: number;
  /** Process id of the child, for tests that need to signal it. */
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedCouchOptions {
  /** Folder of the leveldb databases; absent → an in-memory store. */
  dataDir?: string;
  /** Port on 127.0.0.1; absent or 0 → any free port. */
  port?: number;
  /** Admin credentials; absent → generated for this start. A restart on the same data reuses them. */
  credentials?: { user: string; password: string };
}

const READY_TIMEOUT_MS = 20_000;
const KILL_AFTER_MS = 5_000;
/** How much of the child's stderr a start-up failure quotes. */
const STDERR_TAIL_CHARS = 2_000;

/**
 * The compiled `server.js` beside this file when running from `dist/`; otherwise the TypeScript
 * source, run through tsx's CommonJS hook (dev, and jest under ts-jest).
 */
function resolveEntry(): { entry: string; execArgv: string[] } {
  const compiled = path.join(__dirname, 'server.js');
  if (existsSync(compiled)) return { entry: compiled, execArgv: [] };
  return {
    entry: path.join(__dirname, 'server.ts'),
    execArgv: ['--require', require.resolve('tsx/cjs')],
  };
}

function isReadyMessage(message: unknown): message is ReadyMessage {
  const candidate = message as Partial<ReadyMessage> | null;
  return (
    typeof candidate === 'object' &&
    candidate?.type === 'ready' &&
    typeof candidate.port === 'number'
  );
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal === null ? `code ${String(code)}` : `signal ${signal}`;
}

/**
 * Forks the embedded server and waits until it listens. Admin credentials are generated per
 * start. Rejects if the child exits first or is not ready within 20 s.
 */
export async function startEmbeddedCouch(opts: EmbeddedCouchOptions = {}): Promise<EmbeddedCouch> {
  const user = opts.credentials?.user ?? `admin_${randomBytes(4).toString('hex')}`;
  const password = opts.credentials?.password ?? randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EMBEDDED_COUCH_USER: user,
    EMBEDDED_COUCH_PASSWORD: password,
    EMBEDDED_COUCH_PORT: String(opts.port ?? 0),
  };
  // The parent's own environment must not pick the store: only opts.dataDir does.
  delete env['EMBEDDED_COUCH_DATA_DIR'];
  if (opts.dataDir !== undefined) env['EMBEDDED_COUCH_DATA_DIR'] = path.resolve(opts.dataDir);

  const { entry, execArgv } = resolveEntry();
  // stdout is piped to our stderr too: the app's stdout is not the child's to write on.
  // Detached = its own process group, so a terminal's Ctrl-C reaches only the app, which then
  // drains its requests and calls stop(); the IPC channel still ends the child with the app.
  const child = fork(entry, [], {
    env,
    execArgv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stdout?.pipe(process.stderr, { end: false });
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let port: number;
  try {
    port = await waitForReady(child, () => stderrTail);
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopChild(child, exited);
    return stopping;
  };
  return { url: `http://${user}:${password}@127.0.0.1:${port}`, port, pid: child.pid ?? -1, stop };
}

function waitForReady(child: ChildProcess, stderrTail: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const fail = (message: string, cause?: unknown): void => {
      cleanup();
      const tail = stderrTail().trim();
      reject(new Error(tail ? `${message}; last output: ${tail}` : message, { cause }));
    };
    const onMessage = (message: unknown): void => {
      if (!isReadyMessage(message)) return;
      cleanup();
      resolve(message.port);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`embedded CouchDB exited before it was ready (${describeExit(code, signal)})`);
    const onError = (err: Error): void =>
      fail(`embedded CouchDB could not be started: ${err.message}`, err);
    const timer = setTimeout(
      () => fail(`embedded CouchDB was not ready within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS,
    );
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  await exited;
  clearTimeout(killTimer);
}
