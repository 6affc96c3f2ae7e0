/**
 * clients.md §4: the Zotonic portal, `onnet/zotonic_mod_kazoo` `src/kazoo_util.erl` — its auth calls
 * and its request habits (JSON Content-Type and an empty body on GET and DELETE, an Erlang node as
 * User-Agent). Its lists and entries calls are in `lists-clients.test.ts`.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  createAccount,
  errorEnvelope,
  loginAsAdmin,
  rawRequest,
  successEnvelope,
  type RawResponse,
} from '../../helpers/api';
import { createLoginUser, fetchAccount, fetchApiKey, type LoginUser } from '../../helpers/clients';

const USER_AGENT = 'zotonic001@portal.example.com';

let app: TestApp;
let admin: string;
let accountId: string;
let accountName: string;
let apiKey: string;
let user: LoginUser;

beforeAll(async () => {
  app = await startTestApp();
  admin = await loginAsAdmin(app);
  accountId = await createAccount(app, admin, app.deps.masterAccountId);
  accountName = (await fetchAccount(app, admin, accountId)).name;
  apiKey = await fetchApiKey(app, admin, accountId);
  user = await createLoginUser(app, admin, accountId);
});

afterAll(async () => {
  await app.close();
});

/** `kazoo_util:crossbar_*_request`: the same three headers on every call; GET/DELETE bodies empty. */
function zotonic(method: string, path: string, token: string | undefined, body = '') {
  return rawRequest(app, {
    method,
    path,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...(token === undefined ? {} : { 'X-Auth-Token': token }),
    },
    body,
  });
}

function expectJson(res: RawResponse): void {
  expect(res.headers['content-type']).toBe('application/json');
}

const sessionExtras = () => ({
  account_id: accountId,
  account_name: accountName,
  language: 'en-us',
  apps: [],
  is_reseller: false,
  reseller_id: app.deps.masterAccountId,
  is_master_account: false,
});

describe('Zotonic portal (onnet/zotonic_mod_kazoo kazoo_util.erl)', () => {
  it('PUTs /v2/api_auth {"data":{"api_key":K}} and reads auth_token, data.account_id and data.account_name', async () => {
    const res = await zotonic(
      'PUT',
      '/v2/api_auth',
      '',
      JSON.stringify({ data: { api_key: apiKey } }),
    );

    expect(res.status).toBe(201);
    expectJson(res);
    expect(res.body).toEqual(successEnvelope(sessionExtras(), { auth_token: expect.any(String) }));
  });

  it('PUTs /v1/user_auth (v1 path) and reads auth_token, data.account_id, owner_id and account_name', async () => {
    const body = JSON.stringify({
      data: { credentials: user.credentials, account_name: accountName },
    });

    const res = await zotonic('PUT', '/v1/user_auth', undefined, body);

    expect(res.status).toBe(201);
    expectJson(res);
    expect(res.body).toEqual(
      successEnvelope(
        { ...sessionExtras(), owner_id: user.id },
        { auth_token: expect.any(String) },
      ),
    );
  });

  it('PUTs /v1/api_auth (v1 path) → 201 with auth_token and data.account_id', async () => {
    const res = await zotonic(
      'PUT',
      '/v1/api_auth',
      undefined,
      JSON.stringify({ data: { api_key: apiKey } }),
    );

    expect(res.status).toBe(201);
    expectJson(res);
    expect(res.body).toEqual(successEnvelope(sessionExtras(), { auth_token: expect.any(String) }));
  });

  it('GETs with Content-Type: application/json and an empty body → 200, uses data', async () => {
    const token = await loginToken();

    const res = await zotonic('GET', `/v2/accounts/${accountId}`, token);

    expect(res.status).toBe(200);
    expectJson(res);
    expect(res.body).toMatchObject(
      successEnvelope(expect.objectContaining({ id: accountId, name: accountName }), {
        auth_token: token,
      }),
    );
  });

  it('DELETEs with Content-Type: application/json and an empty body → 200, uses data', async () => {
    const token = await loginToken();
    const victim = await createLoginUser(app, admin, accountId);

    const res = await zotonic('DELETE', `/v2/accounts/${accountId}/users/${victim.id}`, token);

    expect(res.status).toBe(200);
    expectJson(res);
    expect(res.body).toMatchObject(
      successEnvelope(expect.objectContaining({ id: victim.id, _read_only: { deleted: true } }), {
        auth_token: token,
      }),
    );
  });

  it('treats 401 as "no auth": a call with no token gets 401 and an exact-JSON error envelope', async () => {
    const res = await zotonic('GET', `/v2/accounts/${accountId}`, undefined);

    expect(res.status).toBe(401);
    expectJson(res);
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
  });

  it('treats any other error as an error: an unknown user id gets 404 with status "error"', async () => {
    const token = await loginToken();
    const unknown = 'ffffffffffffffffffffffffffffffff';

    const res = await zotonic('GET', `/v2/accounts/${accountId}/users/${unknown}`, token);

    expect(res.status).toBe(404);
    expectJson(res);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: unknown, message: 'bad identifier' }, token),
    );
  });
});

async function loginToken(): Promise<string> {
  const res = await zotonic(
    'PUT',
    '/v2/user_auth',
    undefined,
    JSON.stringify({ data: { credentials: user.credentials, account_name: accountName } }),
  );
  if (res.status !== 201) throw new Error(`login failed: ${res.status} ${res.text}`);
  return (res.body as { auth_token: string }).auth_token;
}
