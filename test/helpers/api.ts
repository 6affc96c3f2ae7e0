import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import Nano, { type DocumentScope } from 'nano';
import type { Response } from 'supertest';
import { ADMIN_PASSWORD, ADMIN_USER, type TestApp } from './app';

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** A name no other test file uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Logs in as the master admin through `PUT /v2/user_auth`, as monster-ui does. */
export async function loginAsAdmin(app: TestApp): Promise<string> {
  const res = await app.http.put('/v2/user_auth').send({
    data: {
      credentials: md5(`${ADMIN_USER}:${ADMIN_PASSWORD}`),
      account_name: app.deps.config.masterAccount,
    },
  });
  if (res.status !== 201) throw new Error(`admin login failed: ${res.status} ${res.text}`);
  return res.body.auth_token as string;
}

/** Creates an account under `parentId` through the API and returns its id. */
export async function createAccount(
  app: TestApp,
  token: string,
  parentId: string,
  name = uniqueName('acct'),
): Promise<string> {
  const res = await app.http
    .put(`/v2/accounts/${parentId}`)
    .set('X-Auth-Token', token)
    .send({ data: { name } });
  if (res.status !== 201) throw new Error(`account create failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

/** The usual start of an integration file: an app, an admin token, and a fresh account of its own. */
export async function setupAccount(app: TestApp): Promise<{ token: string; accountId: string }> {
  const token = await loginAsAdmin(app);
  const accountId = await createAccount(app, token, app.deps.masterAccountId);
  return { token, accountId };
}

/** Crossbar's success envelope, with the volatile fields matched by type. */
export function successEnvelope(data: unknown, extra: Record<string, unknown> = {}) {
  return {
    data,
    status: 'success',
    request_id: expect.any(String),
    node: expect.any(String),
    version: '4.3.0',
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    ...extra,
  };
}

/** Crossbar's error envelope. */
export function errorEnvelope(
  status: number,
  message: string,
  data: unknown,
  authToken: unknown = 'undefined',
) {
  return {
    status: 'error',
    error: String(status),
    message,
    data,
    auth_token: authToken,
    request_id: expect.any(String),
    node: expect.any(String),
    version: '4.3.0',
    timestamp: expect.any(String),
  };
}

/** Every crossbar JSON response: exactly `application/json`, and a request id. */
export function expectJsonHeaders(res: Response): void {
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

/** `/v2/accounts/{A}/things` plus any further path segments. */
export function thingsPath(accountId: string, ...rest: string[]): string {
  return ['/v2/accounts', accountId, 'things', ...rest].join('/');
}

/** Creates a thing through the API and returns its public data (with `id`) and revision. */
export async function createThing(
  app: TestApp,
  token: string,
  accountId: string,
  data: Record<string, unknown>,
): Promise<{ id: string; rev: string; data: Record<string, unknown> }> {
  const res = await app.http.put(thingsPath(accountId)).set('X-Auth-Token', token).send({ data });
  if (res.status !== 201) throw new Error(`thing create failed: ${res.status} ${res.text}`);
  return {
    id: res.body.data.id as string,
    rev: res.body.revision as string,
    data: res.body.data as Record<string, unknown>,
  };
}

/** Runs `work(n)` for n = 0 … count-1, ten at a time (bulk set-up through the API). */
export async function inParallel(
  count: number,
  work: (n: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = next;
      next += 1;
      await work(n);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}

/** Creates `count` things through the API, ten requests at a time; `build(n)` makes the n-th (0-based). */
export function createThings(
  app: TestApp,
  token: string,
  accountId: string,
  count: number,
  build: (n: number) => Record<string, unknown>,
): Promise<void> {
  return inParallel(count, (n) => createThing(app, token, accountId, build(n)));
}

/** A token for `accountId` alone: its api key (read with an admin token) through `PUT /v2/api_auth`. */
export async function apiKeyToken(
  app: TestApp,
  adminToken: string,
  accountId: string,
): Promise<string> {
  const keyRes = await app.http
    .get(`/v2/accounts/${accountId}/api_key`)
    .set('X-Auth-Token', adminToken);
  if (keyRes.status !== 200) throw new Error(`api_key failed: ${keyRes.status} ${keyRes.text}`);
  const res = await app.http
    .put('/v2/api_auth')
    .send({ data: { api_key: keyRes.body.data.api_key as string } });
  if (res.status !== 201) throw new Error(`api_auth failed: ${res.status} ${res.text}`);
  return res.body.auth_token as string;
}

/** Gregorian seconds (0001-01-01 epoch), as KAZOO stores `pvt_created`. */
export function gregorianSeconds(date = new Date()): number {
  return Math.floor(date.getTime() / 1000) + 62_167_219_200;
}

/** md5 hex of the serialised listing `data`: a listing's `revision` and ETag. */
export function listingRevision(data: unknown): string {
  return md5(JSON.stringify(data));
}

/** The CORS headers of core.md §3.1, for a path allowing `methods`. */
export function corsHeaders(methods: string): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': methods,
    'access-control-allow-headers':
      'Content-Type, Depth, User-Agent, X-Http-Method-Override, X-File-Size, X-Requested-With, ' +
      'If-Modified-Since, X-File-Name, Cache-Control, X-Auth-Token, X-Kazoo-Cluster-ID, If-Match, ' +
      'If-None-Match, X-Request-ID, X-Pretty-Print',
    'access-control-expose-headers':
      'Content-Type, X-Auth-Token, X-Request-ID, X-Kazoo-Cluster-ID, Location, Etag, ETag',
    'access-control-max-age': '86400',
  };
}

/** Asserts the five CORS headers, the methods one exactly. */
export function expectCorsHeaders(
  headers: Record<string, string | string[] | undefined>,
  methods: string,
): void {
  const expected = corsHeaders(methods);
  const actual = Object.fromEntries(Object.keys(expected).map((name) => [name, headers[name]]));
  expect(actual).toEqual(expected);
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  body: unknown;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string | number>;
  /** Sent with an exact `Content-Length` unless `chunks` is given. */
  body?: string | Buffer;
  /** Sent with `Transfer-Encoding: chunked`, one write per chunk. */
  chunks?: Array<string | Buffer>;
}

/**
 * A request with exactly the headers given (supertest adds a Content-Type to string bodies),
 * for bodies without Content-Type, chunked bodies, and methods such as PROPFIND.
 */
export function rawRequest(app: TestApp, options: RawRequest): Promise<RawResponse> {
  const url = new URL(options.path, app.baseUrl);
  const headers: Record<string, string | number> = { ...options.headers };
  if (options.body !== undefined && options.chunks === undefined)
    headers['Content-Length'] = Buffer.byteLength(options.body);
  return new Promise((resolve, reject) => {
    let isAnswered = false;
    const req = httpRequest(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method,
        headers,
      },
      (res) => {
        isAnswered = true;
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON (an empty body, a text banner): `text` says what came back.
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    // The server may answer (413) and close before the whole body is written.
    req.on('error', (err) => {
      if (!isAnswered) reject(err);
    });
    if (options.chunks) for (const chunk of options.chunks) req.write(chunk);
    else if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** The database of an account, for checking what was really stored. */
export function storedDocs(accountId: string): DocumentScope<Record<string, unknown>> {
  const couchUrl = process.env.COUCHDB_URL;
  if (!couchUrl) throw new Error('COUCHDB_URL is not set');
  const dbName = `account/${accountId.slice(0, 2)}/${accountId.slice(2, 4)}/${accountId.slice(4)}`;
  return Nano(couchUrl).use(dbName);
}

/** The stored document (private fields included), or undefined when CouchDB has none. */
export async function readStored(
  accountId: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    return await storedDocs(accountId).get(id);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}
