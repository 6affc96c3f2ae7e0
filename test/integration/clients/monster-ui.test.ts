/**
 * clients.md §1–2: monster-ui, `2600hz/monster-ui` — its SDK (`src/js/lib/jquery.kazoosdk.js`),
 * its request layer (`src/js/lib/monster.js` `monster.request`) and its login app
 * (`src/apps/auth/app.js`). Each test sends what monster-ui sends and checks what it reads.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  createAccount,
  errorEnvelope,
  expectCorsHeaders,
  expectJsonHeaders,
  loginAsAdmin,
  rawRequest,
  readStored,
  successEnvelope,
  uniqueName,
} from '../../helpers/api';
import {
  CACHE_BUSTER,
  createLoginUser,
  fetchAccount,
  rowIds,
  UI_METADATA,
  type LoginUser,
} from '../../helpers/clients';

/** What jQuery sends as `Accept` for `dataType: 'json'`. */
const JQUERY_ACCEPT = 'application/json, text/javascript, */*; q=0.01';
const ORIGIN = 'http://monster.example.com:3000';
/** monster-ui's apiRoot carries the version and a trailing slash. */
const API_ROOT = '/v2/';
const STALE_JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY2NvdW50X2lkIjoieCJ9.c3RhbGU';

let app: TestApp;
let admin: string;
let accountId: string;
let accountName: string;
let user: LoginUser;

beforeAll(async () => {
  app = await startTestApp();
  admin = await loginAsAdmin(app);
  accountId = await createAccount(app, admin, app.deps.masterAccountId);
  accountName = (await fetchAccount(app, admin, accountId)).name;
  user = await createLoginUser(app, admin, accountId, { priv_level: 'admin' });
});

afterAll(async () => {
  await app.close();
});

/** `PUT {apiRoot}user_auth` as the SDK sends it, with whatever stale token the page holds. */
function userAuth(staleToken: string, data: Record<string, unknown>) {
  return app.http
    .put(`${API_ROOT}user_auth`)
    .set('X-Auth-Token', staleToken)
    .set('Content-Type', 'application/json')
    .set('Accept', JQUERY_ACCEPT)
    .send(JSON.stringify({ data }));
}

/** The session `data` of accounts-auth.md §5.1 for `user` in `accountId`. */
function sessionData() {
  return {
    account_id: accountId,
    owner_id: user.id,
    account_name: accountName,
    language: 'en-us',
    apps: [],
    is_reseller: false,
    reseller_id: app.deps.masterAccountId,
    is_master_account: false,
  };
}

async function login(): Promise<string> {
  const res = await userAuth('undefined', {
    credentials: user.credentials,
    account_name: accountName,
  });
  if (res.status !== 201) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body.auth_token as string;
}

/** The SDK's request: token, JSON Content-Type, jQuery's Accept; `?_=` on GET. */
function sdk(method: 'get' | 'put' | 'post' | 'patch' | 'delete', path: string, token: string) {
  const url = method === 'get' ? `${API_ROOT}${path}?${CACHE_BUSTER}` : `${API_ROOT}${path}`;
  return app.http[method](url)
    .set('X-Auth-Token', token)
    .set('Content-Type', 'application/json')
    .set('Accept', JQUERY_ACCEPT);
}

describe('monster-ui (jquery.kazoosdk.js)', () => {
  it('sends a stale X-Auth-Token: undefined with user_auth, and logs in (201, auth_token at the top level)', async () => {
    const res = await userAuth('undefined', {
      credentials: user.credentials,
      account_name: accountName,
    });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(sessionData(), {
        auth_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      }),
    );
  });

  it('sends the previous session’s (expired) token with user_auth, and still logs in with a new token', async () => {
    const res = await userAuth(STALE_JWT, {
      credentials: user.credentials,
      account_name: accountName,
    });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body.status).toBe('success');
    expect(res.body.auth_token).not.toBe(STALE_JWT);
    expect(res.body.data.account_id).toBe(accountId);
  });

  it('builds URLs as apiRoot + "accounts/" + encodeURIComponent(id) with ?_=<ms>, and reads data and version', async () => {
    const token = await login();

    const res = await app.http
      .get(`${API_ROOT}accounts/${encodeURIComponent(accountId)}?${CACHE_BUSTER}`)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .set('Accept', JQUERY_ACCEPT);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toMatchObject(
      successEnvelope(expect.objectContaining({ id: accountId, name: accountName }), {
        auth_token: token,
        revision: expect.any(String),
      }),
    );
  });

  it('PUTs a child account with top-level accept_charges: true and data.ui_metadata → 201, ui_metadata stored and returned', async () => {
    const token = await login();
    const name = uniqueName('sdk-child');

    const res = await sdk('put', `accounts/${accountId}`, token).send(
      JSON.stringify({ data: { name, ui_metadata: UI_METADATA }, accept_charges: true }),
    );

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({ name, ui_metadata: UI_METADATA });
    expect(res.body.data).not.toHaveProperty('accept_charges');
    const stored = await readStored(res.body.data.id as string, res.body.data.id as string);
    expect(stored).toMatchObject({ name, ui_metadata: UI_METADATA });
    expect(stored).not.toHaveProperty('accept_charges');
  });

  it('GETs children and descendants with ?_=<ms>, and the cache buster filters out no row', async () => {
    const token = await login();
    const parent = await createAccount(app, admin, accountId);
    const child = await createAccount(app, admin, parent);

    const children = await sdk('get', `accounts/${parent}/children`, token);
    const descendants = await sdk('get', `accounts/${accountId}/descendants`, token);

    expect(children.status).toBe(200);
    expectJsonHeaders(children);
    expect(rowIds(children.body.data)).toEqual([child]);
    expect(descendants.status).toBe(200);
    expectJsonHeaders(descendants);
    expect(rowIds(descendants.body.data)).toEqual(expect.arrayContaining([parent, child]));
  });

  it('sends filters as query parameters (paginate=false&filter_name=…), and only the matching child comes back, unpaginated', async () => {
    const token = await login();
    const parent = await createAccount(app, admin, accountId);
    const wanted = uniqueName('wanted');
    const wantedId = await createAccount(app, admin, parent, wanted);
    await createAccount(app, admin, parent);

    const res = await app.http
      .get(
        `${API_ROOT}accounts/${parent}/children?paginate=false&filter_name=${encodeURIComponent(wanted)}&${CACHE_BUSTER}`,
      )
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json');

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(rowIds(res.body.data)).toEqual([wantedId]);
    expect(res.body).not.toHaveProperty('page_size');
    expect(res.body).not.toHaveProperty('next_start_key');
  });

  it('POSTs the fetched account back with id filled from data.id (no _rev) → 200', async () => {
    const token = await login();
    const child = await createAccount(app, admin, accountId);
    const fetched = await sdk('get', `accounts/${child}`, token);
    const renamed = uniqueName('renamed');

    const res = await sdk('post', `accounts/${child}`, token).send(
      JSON.stringify({ data: { ...fetched.body.data, id: child, name: renamed } }),
    );

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({ id: child, name: renamed });
    expect(res.body.revision).not.toBe(fetched.body.revision);
  });

  it('PATCHes an account with {"data":{…}} → 200 with the merged account', async () => {
    const token = await login();
    const child = await createAccount(app, admin, accountId);

    const res = await sdk('patch', `accounts/${child}`, token).send(
      JSON.stringify({ data: { timezone: 'Europe/Paris', ui_metadata: UI_METADATA } }),
    );

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({
      id: child,
      timezone: 'Europe/Paris',
      ui_metadata: UI_METADATA,
    });
  });

  it('DELETEs an account with a {"data":{}} body → 200 with _read_only.deleted', async () => {
    const token = await login();
    const child = await createAccount(app, admin, accountId);

    const res = await sdk('delete', `accounts/${child}`, token).send('{"data":{}}');

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({ id: child, _read_only: { deleted: true } });
  });

  it('parses an error only when Content-Type is exactly application/json, then reads error, message and data', async () => {
    const token = await login();
    const unknown = '0123456789abcdef0123456789abcdef';

    const res = await sdk('get', `accounts/${unknown}`, token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: unknown, message: 'bad identifier' }, token),
    );
  });
});

describe('monster-ui (monster.js monster.request)', () => {
  it('preflights a cross-origin PUT asking for content-type,x-auth-token,x-kazoo-cluster-id → 200, Allow-Origin *, all three allowed', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: `/v2/accounts/${accountId}/users`,
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type,x-auth-token,x-kazoo-cluster-id',
      },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining(['content-type', 'x-auth-token', 'x-kazoo-cluster-id']),
    );
  });

  it('preflights a DELETE of a document without a token → 200 with the document path’s methods', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: `/v2/accounts/${accountId}/users/${user.id}`,
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'DELETE',
        'Access-Control-Request-Headers': 'content-type,x-auth-token',
      },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, POST, PATCH, DELETE');
  });

  it('sends X-Kazoo-Cluster-ID from another Origin: accepted, ignored, answered with Access-Control-Allow-Origin: *', async () => {
    const token = await login();

    const res = await app.http
      .get(`/v2/accounts/${accountId}/users/${user.id}?${CACHE_BUSTER}`)
      .set('Origin', ORIGIN)
      .set('X-Auth-Token', token)
      .set('X-Kazoo-Cluster-ID', '9f8e7d6c5b4a39281706f5e4d3c2b1a0')
      .set('Content-Type', 'application/json');

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body.data).toMatchObject({ id: user.id, username: user.username });
  });

  it('puts ui_metadata into every write body (PUT, POST, PATCH): stored and returned each time', async () => {
    const token = await login();
    const path = `/v2/accounts/${accountId}/users`;
    const base = { username: uniqueName('ui'), first_name: 'Ui', last_name: 'Meta' };

    const created = await app.http
      .put(path)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send({ data: { ...base, ui_metadata: UI_METADATA } });
    const id = created.body.data.id as string;
    const v2 = { ...UI_METADATA, version: '4.3-60' };
    const posted = await app.http
      .post(`${path}/${id}`)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send({ data: { ...created.body.data, ui_metadata: v2 } });
    const v3 = { ...UI_METADATA, version: '4.3-61' };
    const patched = await app.http
      .patch(`${path}/${id}`)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send({ data: { ui_metadata: v3 } });

    expect([created.status, posted.status, patched.status]).toEqual([201, 200, 200]);
    expect(created.body.data.ui_metadata).toEqual(UI_METADATA);
    expect(posted.body.data.ui_metadata).toEqual(v2);
    expect(patched.body.data.ui_metadata).toEqual(v3);
    expect((await readStored(accountId, id))?.ui_metadata).toEqual(v3);
  });

  it('DELETEs with {"data":{"ui_metadata":{…}}} → 200 with _read_only.deleted', async () => {
    const token = await login();
    const other = await createLoginUser(app, admin, accountId);

    const res = await app.http
      .delete(`/v2/accounts/${accountId}/users/${other.id}`)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ data: { ui_metadata: UI_METADATA } }));

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({ id: other.id, _read_only: { deleted: true } });
  });

  it('on a 401 (stale token) re-logs in: the error is exact JSON, and user_auth with that same stale token succeeds', async () => {
    const denied = await app.http
      .get(`/v2/accounts/${accountId}?${CACHE_BUSTER}`)
      .set('X-Auth-Token', STALE_JWT)
      .set('Content-Type', 'application/json');
    const relogin = await userAuth(STALE_JWT, {
      credentials: user.credentials,
      account_name: accountName,
    });

    expect(denied.status).toBe(401);
    expectJsonHeaders(denied);
    expect(denied.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, STALE_JWT));
    expect(relogin.status).toBe(201);
    expect(relogin.body.data.account_id).toBe(accountId);
  });

  it('shows a popup from data, message and error of a 400 (JSON parsed, error a string)', async () => {
    const token = await login();

    const res = await app.http
      .put(`/v2/accounts/${accountId}/users`)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send({ data: { ui_metadata: UI_METADATA } });

    expect(res.status).toBe(400);
    expectJsonHeaders(res);
    const required = (field: string) => ({
      required: { message: 'Field is required but missing', value: field },
    });
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          username: required('username'),
          first_name: required('first_name'),
          last_name: required('last_name'),
        },
        token,
      ),
    );
  });
});

describe('monster-ui login app (src/apps/auth/app.js)', () => {
  it('reads auth_token, data.account_id, owner_id, is_reseller, reseller_id, language and apps (an array)', async () => {
    const res = await userAuth('undefined', {
      credentials: user.credentials,
      account_name: accountName,
    });

    expect(res.status).toBe(201);
    expect(typeof res.body.auth_token).toBe('string');
    expect(res.body.data).toMatchObject({
      account_id: accountId,
      owner_id: user.id,
      is_reseller: false,
      reseller_id: app.deps.masterAccountId,
      language: 'en-us',
    });
    expect(Array.isArray(res.body.data.apps)).toBe(true);
  });

  it('then GETs accounts/{account_id} (reads version) and accounts/{id}/users/{owner_id} with the new token', async () => {
    const token = await login();

    const account = await sdk('get', `accounts/${accountId}`, token);
    const owner = await sdk('get', `accounts/${accountId}/users/${user.id}`, token);

    expect(account.status).toBe(200);
    expect(account.body.version).toBe('4.3.0');
    expect(owner.status).toBe(200);
    expectJsonHeaders(owner);
    expect(owner.body.data).toMatchObject({ id: user.id, username: user.username });
    expect(owner.body.data).not.toHaveProperty('password');
  });

  it('on wrong credentials: 401 whose data is an object without multi_factor_request (wrong-password branch)', async () => {
    const res = await userAuth('undefined', {
      credentials: 'ffffffffffffffffffffffffffffffff',
      account_name: accountName,
    });

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
  });

  it('on a disabled account: 423 (shown as "account disabled")', async () => {
    const disabledId = await createAccount(app, admin, app.deps.masterAccountId);
    const disabledName = (await fetchAccount(app, admin, disabledId)).name;
    const disabledUser = await createLoginUser(app, admin, disabledId);
    const patch = await app.http
      .patch(`/v2/accounts/${disabledId}`)
      .set('X-Auth-Token', admin)
      .send({ data: { enabled: false } });
    expect(patch.status).toBe(200);

    const res = await userAuth('undefined', {
      credentials: disabledUser.credentials,
      account_name: disabledName,
    });

    expect(res.status).toBe(423);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(423, 'locked', { account: { disabled: { message: 'account disabled' } } }),
    );
  });
});
