/**
 * clients.md §9: crossbar-nodejs, `macpie/crossbar-nodejs` (`lib/crossbar.js`, `lib/apis/*.js`):
 * the `request` library with `json: {data, verb}` on EVERY call (GET included), version `v1` by
 * default, and a call failed whenever `body.status == "error"`.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  createAccount,
  errorEnvelope,
  loginAsAdmin,
  readStored,
  uniqueName,
} from '../../helpers/api';
import { createLoginUser, fetchAccount, type LoginUser } from '../../helpers/clients';

let app: TestApp;
let accountId: string;
let accountName: string;
let user: LoginUser;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await loginAsAdmin(app);
  accountId = await createAccount(app, admin, app.deps.masterAccountId);
  accountName = (await fetchAccount(app, admin, accountId)).name;
  user = await createLoginUser(app, admin, accountId);
});

afterAll(async () => {
  await app.close();
});

type Verb = 'GET' | 'PUT' | 'POST' | 'DELETE';

/**
 * `Crossbar.prototype.req`: url = url:port/version/path; `request` with `json: {data, verb}` sends
 * that body with `content-type` and `accept: application/json`, plus `X-Auth-Token` once logged in.
 */
function crossbar(version: 'v1' | 'v2', verb: Verb, url: string, data: unknown, token?: string) {
  const req = app.http[verb.toLowerCase() as 'get' | 'put' | 'post' | 'delete'](
    `/${version}/${url}`,
  )
    .set('Content-Type', 'application/json')
    .set('Accept', 'application/json');
  if (token) req.set('X-Auth-Token', token);
  return req.send(JSON.stringify({ data, verb }));
}

/** The callback's `error`: set whenever the body says `status: "error"`. */
function failed(body: unknown): boolean {
  return (body as { status?: unknown }).status === 'error';
}

async function userAuthPut(): Promise<string> {
  const res = await crossbar('v1', 'PUT', 'user_auth', {
    credentials: user.credentials,
    account_name: accountName,
  });
  if (res.status !== 201) throw new Error(`user_auth failed: ${res.status} ${res.text}`);
  return res.body.auth_token as string;
}

describe('crossbar-nodejs (macpie/crossbar-nodejs lib/crossbar.js)', () => {
  it('api.user_auth.put on the default version: PUT /v1/user_auth {"data":…,"verb":"PUT"} → 201, crossbar.token = resp.auth_token', async () => {
    const res = await crossbar('v1', 'PUT', 'user_auth', {
      credentials: user.credentials,
      account_name: accountName,
    });

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(failed(res.body)).toBe(false);
    expect(res.body.auth_token).toEqual(expect.any(String));
    expect(res.body.data).toMatchObject({ account_id: accountId, owner_id: user.id });
    expect(res.body).not.toHaveProperty('page_size');
  });

  it('api.accounts.get on the default version: GET /v1/accounts/{id} → 404 not_found, which the callback sees as an error', async () => {
    const token = await userAuthPut();

    const res = await crossbar('v1', 'GET', `accounts/${accountId}`, {}, token);

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(failed(res.body)).toBe(true);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, token));
  });

  it('api.accounts.get with version("v2"): GET with a JSON body {"data":{},"verb":"GET"} → 200', async () => {
    const token = await userAuthPut();

    const res = await crossbar('v2', 'GET', `accounts/${accountId}`, {}, token);

    expect(res.status).toBe(200);
    expect(failed(res.body)).toBe(false);
    expect(res.body.data).toMatchObject({ id: accountId, name: accountName });
  });

  it('api.accounts.put/post/delete send {"data":…,"verb":"<the same method>"}: the verb is a no-op and never stored', async () => {
    const token = await userAuthPut();
    const name = uniqueName('node-child');

    const created = await crossbar('v2', 'PUT', `accounts/${accountId}`, { name }, token);
    const childId = created.body.data.id as string;
    const posted = await crossbar(
      'v2',
      'POST',
      `accounts/${childId}`,
      { name, timezone: 'UTC' },
      token,
    );
    const stored = await readStored(childId, childId);
    const deleted = await crossbar('v2', 'DELETE', `accounts/${childId}`, {}, token);

    expect([created.status, posted.status, deleted.status]).toEqual([201, 200, 200]);
    expect([created.body, posted.body, deleted.body].map(failed)).toEqual([false, false, false]);
    expect(posted.body.data).toMatchObject({ id: childId, name, timezone: 'UTC' });
    expect(posted.body.data).not.toHaveProperty('verb');
    expect(stored).toMatchObject({ name, timezone: 'UTC' });
    expect(stored).not.toHaveProperty('verb');
    expect(deleted.body.data).toMatchObject({ id: childId, _read_only: { deleted: true } });
  });

  it('treats a response as failed when body.status == "error": a validation error says so', async () => {
    const token = await userAuthPut();

    const res = await crossbar('v2', 'PUT', `accounts/${accountId}`, { realm: 'x' }, token);

    expect(res.status).toBe(400);
    expect(failed(res.body)).toBe(true);
    expect(res.body.error).toBe('400');
  });
});
