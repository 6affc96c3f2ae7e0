import { createHash, randomBytes } from 'node:crypto';
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
  const res = await app.http
    .put('/v2/user_auth')
    .send({
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
  authToken = 'undefined',
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
