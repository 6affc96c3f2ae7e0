/**
 * Authentication and authorization over HTTP (spec accounts-auth.md §5–§7, core.md §8): user_auth,
 * api_auth, token_auth, token transport, the account hierarchy, and what never reaches the log.
 */
import { createHash, randomBytes } from 'node:crypto';
import Nano from 'nano';
import { signJwt } from '../../src/core/jwt';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../helpers/app';
import {
  apiKeyToken,
  createAccount,
  errorEnvelope,
  expectJsonHeaders,
  loginAsAdmin,
  md5,
  rawRequest,
  successEnvelope,
  thingsPath,
  uniqueName,
} from '../helpers/api';

const USERNAME = 'Auth.User';
const PASSWORD = 'S3cret-auth-password';
const INVALID_CREDENTIALS = { message: 'invalid credentials' };

let app: TestApp;
let adminToken: string;
let masterId: string;
/** A child of the master with a user who can log in. */
let accountId: string;
let accountName: string;
let accountRealm: string;
let userId: string;
let apiKey: string;

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** md5 credentials of the test user, as monster-ui computes them (user name lower-cased). */
function userCredentials(password = PASSWORD): string {
  return md5(`${USERNAME.toLowerCase()}:${password}`);
}

async function createUser(
  token: string,
  account: string,
  data: Record<string, unknown>,
): Promise<string> {
  const res = await app.http
    .put(`/v2/accounts/${account}/users`)
    .set('X-Auth-Token', token)
    .send({ data: { first_name: 'Test', last_name: 'User', ...data } });
  if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

async function readApiKey(account: string): Promise<string> {
  const res = await app.http.get(`/v2/accounts/${account}/api_key`).set('X-Auth-Token', adminToken);
  if (res.status !== 200) throw new Error(`api_key failed: ${res.status} ${res.text}`);
  return res.body.data.api_key as string;
}

/** A user token for the test user, through `PUT /v2/user_auth`. */
async function userToken(): Promise<string> {
  const res = await app.http
    .put('/v2/user_auth')
    .send({ data: { credentials: userCredentials(), account_name: accountName } });
  if (res.status !== 201) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body.auth_token as string;
}

/** The data every successful login into the test account returns. */
function sessionData(extra: Record<string, unknown> = {}) {
  return {
    account_id: accountId,
    account_name: accountName,
    language: 'en-us',
    apps: [],
    is_reseller: false,
    reseller_id: masterId,
    is_master_account: false,
    ...extra,
  };
}

beforeAll(async () => {
  app = await startTestApp();
  masterId = app.deps.masterAccountId;
  adminToken = await loginAsAdmin(app);
  accountName = uniqueName('Auth Account');
  accountRealm = `${uniqueName('auth')}.example.com`;
  const res = await app.http
    .put(`/v2/accounts/${masterId}`)
    .set('X-Auth-Token', adminToken)
    .send({ data: { name: accountName, realm: accountRealm } });
  if (res.status !== 201) throw new Error(`account create failed: ${res.status} ${res.text}`);
  accountId = res.body.data.id as string;
  userId = await createUser(adminToken, accountId, { username: USERNAME, password: PASSWORD });
  apiKey = await readApiKey(accountId);
});

afterAll(async () => {
  await app.close();
});

describe('PUT /v2/user_auth', () => {
  it('when credentials and account_name match, then 201 with a new token and the session data', async () => {
    const res = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: userCredentials(), account_name: accountName } });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(sessionData({ owner_id: userId }), { auth_token: expect.any(String) }),
    );
    expect(res.body.auth_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('when the issued token is used, then it authenticates as that user', async () => {
    const token = await userToken();

    const res = await app.http.get('/v2/token_auth').set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ account_id: accountId, owner_id: userId });
  });

  it('when account_name differs in case and punctuation, then it still matches', async () => {
    const res = await app.http.put('/v2/user_auth').send({
      data: { credentials: userCredentials(), account_name: `  ${accountName.toUpperCase()}!` },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual(sessionData({ owner_id: userId }));
  });

  it('when account_realm matches, then 201', async () => {
    const res = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: userCredentials(), account_realm: accountRealm } });

    expect(res.status).toBe(201);
    expect(res.body).toEqual(
      successEnvelope(sessionData({ owner_id: userId }), { auth_token: expect.any(String) }),
    );
  });

  it('when realm (upper case) matches, then 201', async () => {
    const res = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: userCredentials(), realm: accountRealm.toUpperCase() } });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual(sessionData({ owner_id: userId }));
  });

  it('when method is sha and the credentials are sha1, then 201', async () => {
    const res = await app.http.put('/v2/user_auth').send({
      data: {
        credentials: sha1(`${USERNAME.toLowerCase()}:${PASSWORD}`),
        method: 'sha',
        account_name: accountName,
      },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual(sessionData({ owner_id: userId }));
  });

  it('when method is sha but the credentials are md5, then 401 invalid_credentials', async () => {
    const res = await app.http.put('/v2/user_auth').send({
      data: { credentials: userCredentials(), method: 'sha', account_name: accountName },
    });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when the credentials are upper-case hex, then they are compared case-insensitively', async () => {
    const res = await app.http.put('/v2/user_auth').send({
      data: { credentials: userCredentials().toUpperCase(), account_name: accountName },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual(sessionData({ owner_id: userId }));
  });

  it('when credentials are wrong, then 401 invalid_credentials', async () => {
    const res = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: userCredentials('wrong'), account_name: accountName } });

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when the account is unknown, then the same 401 body as a wrong password (no leak)', async () => {
    const res = await app.http.put('/v2/user_auth').send({
      data: { credentials: userCredentials(), account_name: uniqueName('no such account') },
    });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when the realm is unknown, then 401 invalid_credentials', async () => {
    const res = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: userCredentials(), realm: 'nosuch.example.com' } });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when only a phone_number names the account, then 401 (no number store)', async () => {
    const res = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: userCredentials(), phone_number: '+14155550100' } });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when credentials are missing, then 400 credentials.required', async () => {
    const res = await app.http.put('/v2/user_auth').send({ data: { account_name: accountName } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(400, 'validation error', {
        credentials: {
          required: { message: 'Field is required but missing', value: 'credentials' },
        },
      }),
    );
  });

  it('when no account key is given, then 401 invalid_credentials', async () => {
    const res = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: userCredentials() } });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when a garbage X-Auth-Token is sent with the login, then it is ignored and 201', async () => {
    const res = await app.http
      .put('/v2/user_auth')
      .set('X-Auth-Token', 'garbage.token.value')
      .send({ data: { credentials: userCredentials(), account_name: accountName } });

    expect(res.status).toBe(201);
    expect(res.body.auth_token).not.toBe('garbage.token.value');
    expect(res.body.data).toEqual(sessionData({ owner_id: userId }));
  });

  it('when a revoked token is sent with the login, then it is ignored and 201', async () => {
    const stale = await userToken();
    await app.http.delete('/v2/token_auth').set('X-Auth-Token', stale).expect(200);

    const res = await app.http
      .put('/v2/user_auth')
      .set('X-Auth-Token', stale)
      .send({ data: { credentials: userCredentials(), account_name: accountName } });

    expect(res.status).toBe(201);
    expect(res.body.auth_token).not.toBe(stale);
  });

  it('when /v1/user_auth is used, then it works the same', async () => {
    const res = await app.http
      .put('/v1/user_auth')
      .send({ data: { credentials: userCredentials(), account_name: accountName } });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(sessionData({ owner_id: userId }), { auth_token: expect.any(String) }),
    );
  });

  it('when curl -d sends JSON without Content-Type, then 201', async () => {
    const res = await rawRequest(app, {
      method: 'PUT',
      path: '/v2/user_auth',
      body: JSON.stringify({ data: { credentials: userCredentials(), account_name: accountName } }),
    });

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(
      successEnvelope(sessionData({ owner_id: userId }), { auth_token: expect.any(String) }),
    );
  });

  it('when curl -d sends JSON labelled as a form, then 201', async () => {
    const res = await rawRequest(app, {
      method: 'PUT',
      path: '/v2/user_auth',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ data: { credentials: userCredentials(), account_name: accountName } }),
    });

    expect(res.status).toBe(201);
    expect((res.body as { data: unknown }).data).toEqual(sessionData({ owner_id: userId }));
  });

  it('when the user or account has a language, then the user wins, then the account', async () => {
    const name = uniqueName('Lang Account');
    const created = await app.http
      .put(`/v2/accounts/${masterId}`)
      .set('X-Auth-Token', adminToken)
      .send({ data: { name, language: 'de-de' } });
    const langAccount = created.body.data.id as string;
    await createUser(adminToken, langAccount, { username: 'plain', password: 'pw-plain' });
    await createUser(adminToken, langAccount, {
      username: 'spanish',
      password: 'pw-spanish',
      language: 'es-es',
    });

    const plain = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: md5('plain:pw-plain'), account_name: name } });
    const spanish = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: md5('spanish:pw-spanish'), account_name: name } });

    expect(plain.status).toBe(201);
    expect(plain.body.data.language).toBe('de-de');
    expect(spanish.status).toBe(201);
    expect(spanish.body.data.language).toBe('es-es');
  });

  it('when the master admin logs in, then is_master_account and is_reseller are true', async () => {
    const res = await app.http.put('/v2/user_auth').send({
      data: {
        credentials: md5(`${ADMIN_USER}:${ADMIN_PASSWORD}`),
        account_name: app.deps.config.masterAccount,
      },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      account_id: masterId,
      owner_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      account_name: app.deps.config.masterAccount,
      language: 'en-us',
      apps: [],
      is_reseller: true,
      reseller_id: masterId,
      is_master_account: true,
    });
  });

  it('when the method is GET, then 405 invalid_method', async () => {
    const res = await app.http.get('/v2/user_auth');

    expect(res.status).toBe(405);
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }),
    );
  });
});

describe('PUT /v2/api_auth', () => {
  it('when the api key is valid, then 201 with a new token and the session data without owner_id', async () => {
    const res = await app.http.put('/v2/api_auth').send({ data: { api_key: apiKey } });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body).toEqual(successEnvelope(sessionData(), { auth_token: expect.any(String) }));
  });

  it('when the api key is the empty string, then 401 invalid_credentials', async () => {
    const res = await app.http.put('/v2/api_auth').send({ data: { api_key: '' } });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when api_key is missing, then 400 api_key.required', async () => {
    const res = await app.http.put('/v2/api_auth').send({ data: {} });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(400, 'validation error', {
        api_key: { required: { message: 'Field is required but missing', value: 'api_key' } },
      }),
    );
  });

  it('when the api key has 10 characters, then 400 api_key.minLength', async () => {
    const res = await app.http.put('/v2/api_auth').send({ data: { api_key: '0123456789' } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(400, 'validation error', {
        api_key: {
          minLength: {
            message: 'String must be at least 64 characters',
            target: 64,
            value: '0123456789',
          },
        },
      }),
    );
  });

  it('when the api key has 65 characters, then 400 api_key.maxLength', async () => {
    const long = 'a'.repeat(65);

    const res = await app.http.put('/v2/api_auth').send({ data: { api_key: long } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(400, 'validation error', {
        api_key: {
          maxLength: {
            message: 'String must not be more than 64 characters',
            target: 64,
            value: long,
          },
        },
      }),
    );
  });

  it('when the api key is not a string, then 400 api_key.type', async () => {
    const res = await app.http.put('/v2/api_auth').send({ data: { api_key: 12345 } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(400, 'validation error', {
        api_key: {
          type: { message: 'Value did not match type(s): string', target: 'string', value: 12345 },
        },
      }),
    );
  });

  it('when 64 characters match no account, then 404 bad identifier with the key as data', async () => {
    const unknown = randomBytes(32).toString('hex');

    const res = await app.http.put('/v2/api_auth').send({ data: { api_key: unknown } });

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(404, 'bad identifier', [unknown]));
  });

  it('when a garbage X-Auth-Token is sent, then it is ignored and 201', async () => {
    const res = await app.http
      .put('/v2/api_auth')
      .set('X-Auth-Token', 'garbage')
      .send({ data: { api_key: apiKey } });

    expect(res.status).toBe(201);
    expect(res.body.auth_token).not.toBe('garbage');
  });

  it('when /v1/api_auth is used, then it works the same', async () => {
    const res = await app.http.put('/v1/api_auth').send({ data: { api_key: apiKey } });

    expect(res.status).toBe(201);
    expect(res.body).toEqual(successEnvelope(sessionData(), { auth_token: expect.any(String) }));
  });

  it('when curl -d sends JSON without Content-Type, then 201', async () => {
    const res = await rawRequest(app, {
      method: 'PUT',
      path: '/v2/api_auth',
      body: JSON.stringify({ data: { api_key: apiKey } }),
    });

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(successEnvelope(sessionData(), { auth_token: expect.any(String) }));
  });
});

describe('GET /v2/token_auth', () => {
  it('when a user token is sent, then 200 with its claims, exp - iat = 3600, and the session data', async () => {
    const token = await userToken();
    const now = Math.floor(Date.now() / 1000);

    const res = await app.http.get('/v2/token_auth').set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        sessionData({
          owner_id: userId,
          method: 'cb_user_auth',
          iat: expect.any(Number),
          exp: expect.any(Number),
        }),
        { auth_token: token },
      ),
    );
    const { iat, exp } = res.body.data as { iat: number; exp: number };
    expect(Math.abs(iat - now)).toBeLessThanOrEqual(5);
    expect(exp - iat).toBe(3600);
  });

  it('when an api token is sent, then the method is cb_api_auth and there is no owner_id', async () => {
    const token = await apiKeyToken(app, adminToken, accountId);

    const res = await app.http.get('/v2/token_auth').set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(
      sessionData({ method: 'cb_api_auth', iat: expect.any(Number), exp: expect.any(Number) }),
    );
  });

  it('when /v1/token_auth is used, then it works the same', async () => {
    const token = await userToken();

    const res = await app.http.get('/v1/token_auth').set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ account_id: accountId, owner_id: userId });
  });

  it('when no token is sent, then 401 invalid_credentials (first form)', async () => {
    const res = await app.http.get('/v2/token_auth');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when a garbage token is sent, then 401 invalid credentials with data {} (second form)', async () => {
    const res = await app.http.get('/v2/token_auth').set('X-Auth-Token', 'garbage');

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'garbage'));
  });

  it('when the signature was tampered with, then 401 invalid credentials', async () => {
    const token = await userToken();
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');

    const res = await app.http.get('/v2/token_auth').set('X-Auth-Token', tampered);

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, tampered));
  });

  it('when the token expired, then 401 invalid credentials', async () => {
    const keyDoc = await Nano(process.env.COUCHDB_URL!)
      .use<{ secret: string }>('system_auth')
      .get('crossbar_ts_signing_key');
    const iat = Math.floor(Date.now() / 1000) - 7200;
    const expired = signJwt(
      {
        account_id: accountId,
        owner_id: userId,
        method: 'cb_user_auth',
        iat,
        exp: iat + 3600,
        jti: randomBytes(16).toString('hex'),
        iss: 'crossbar-ts',
      },
      Buffer.from(keyDoc.secret, 'base64url'),
    );

    const res = await app.http.get('/v2/token_auth').set('X-Auth-Token', expired);

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, expired));
  });
});

describe('DELETE /v2/token_auth', () => {
  it('when a token is deleted, then 200 with data {} and it is refused afterwards with 401', async () => {
    const token = await userToken();

    const res = await app.http.delete('/v2/token_auth').set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(successEnvelope({}, { auth_token: token }));
    const again = await app.http.get('/v2/token_auth').set('X-Auth-Token', token);
    expect(again.status).toBe(401);
    expect(again.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, token));
    const account = await app.http.get(`/v2/accounts/${accountId}`).set('X-Auth-Token', token);
    expect(account.status).toBe(401);
    expect(account.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, token));
  });

  it('when a token is revoked, then a revocation doc is stored in token_auth', async () => {
    const token = await userToken();
    const jti = (
      JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }
    ).jti;

    await app.http.delete('/v2/token_auth').set('X-Auth-Token', token).expect(200);

    const stored = await Nano(process.env.COUCHDB_URL!)
      .use<Record<string, unknown>>('token_auth')
      .get(jti);
    expect(stored).toMatchObject({ _id: jti, pvt_type: 'revoked_token', exp: expect.any(Number) });
  });

  it('when one token is revoked, then another token of the same user still works', async () => {
    const revoked = await userToken();
    const other = await userToken();

    await app.http.delete('/v2/token_auth').set('X-Auth-Token', revoked).expect(200);
    const res = await app.http.get('/v2/token_auth').set('X-Auth-Token', other);

    expect(res.status).toBe(200);
  });

  it('when no token is sent, then 401 invalid_credentials', async () => {
    const res = await app.http.delete('/v2/token_auth');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });
});

describe('token transport', () => {
  let token: string;

  beforeAll(async () => {
    token = await userToken();
  });

  it('when the token is in X-Auth-Token, then 200 and it is echoed as auth_token', async () => {
    const res = await app.http.get(`/v2/accounts/${accountId}`).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.auth_token).toBe(token);
  });

  it('when the token is in ?auth_token=, then 200 and it is echoed as auth_token', async () => {
    const res = await app.http.get(`/v2/accounts/${accountId}`).query({ auth_token: token });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(expect.objectContaining({ id: accountId }), {
        auth_token: token,
        revision: expect.any(String),
      }),
    );
  });

  it('when the token is in Authorization: Bearer, then 200 and it is echoed as auth_token', async () => {
    const res = await app.http
      .get(`/v2/accounts/${accountId}`)
      .set('Authorization', `Bearer ${token}`);

    expect(res.status).toBe(200);
    expect(res.body.auth_token).toBe(token);
  });

  it('when the token is in the envelope data, then 200', async () => {
    const res = await app.http
      .patch(`/v2/accounts/${accountId}`)
      .send({ data: { auth_token: token, timezone: 'Europe/Oslo' } });

    expect(res.status).toBe(200);
    expect(res.body.auth_token).toBe(token);
    expect(res.body.data).not.toHaveProperty('auth_token');
  });

  it('when X-Auth-Token is "undefined", then it counts as no token: 401 first form', async () => {
    const res = await app.http.get(`/v2/accounts/${accountId}`).set('X-Auth-Token', 'undefined');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when Authorization is Basic, then it counts as no token: 401 first form', async () => {
    const res = await app.http
      .get(`/v2/accounts/${accountId}`)
      .set('Authorization', `Basic ${Buffer.from('admin:pw').toString('base64')}`);

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', INVALID_CREDENTIALS));
  });

  it('when X-Auth-Token is bad and ?auth_token= is good, then the header wins: 401', async () => {
    const res = await app.http
      .get(`/v2/accounts/${accountId}`)
      .query({ auth_token: token })
      .set('X-Auth-Token', 'bad-token');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'bad-token'));
  });
});

describe('authorization', () => {
  let parentId: string;
  let childId: string;
  let siblingId: string;
  let parentToken: string;
  let childToken: string;
  let siblingToken: string;
  const FORBIDDEN = { message: 'forbidden' };

  beforeAll(async () => {
    parentId = await createAccount(app, adminToken, masterId, uniqueName('parent'));
    childId = await createAccount(app, adminToken, parentId, uniqueName('child'));
    siblingId = await createAccount(app, adminToken, masterId, uniqueName('sibling'));
    [parentToken, childToken, siblingToken] = await Promise.all([
      apiKeyToken(app, adminToken, parentId),
      apiKeyToken(app, adminToken, childId),
      apiKeyToken(app, adminToken, siblingId),
    ]);
  });

  it('when a token reads its own account, then 200', async () => {
    const res = await app.http.get(`/v2/accounts/${childId}`).set('X-Auth-Token', childToken);

    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(childId);
  });

  it('when a parent token reads a child account, then 200', async () => {
    const res = await app.http.get(`/v2/accounts/${childId}`).set('X-Auth-Token', parentToken);

    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(childId);
  });

  it("when a parent token lists a child's things, then 200", async () => {
    const res = await app.http.get(thingsPath(childId)).set('X-Auth-Token', parentToken);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('when a parent token creates in a child account, then 201', async () => {
    const res = await app.http
      .put(thingsPath(childId))
      .set('X-Auth-Token', parentToken)
      .send({ data: { name: 'made by parent' } });

    expect(res.status).toBe(201);
  });

  it('when a child token reads its parent, then 403 forbidden', async () => {
    const res = await app.http.get(`/v2/accounts/${parentId}`).set('X-Auth-Token', childToken);

    expect(res.status).toBe(403);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(403, 'forbidden', FORBIDDEN, childToken));
  });

  it("when a child token lists its parent's things, then 403 forbidden", async () => {
    const res = await app.http.get(thingsPath(parentId)).set('X-Auth-Token', childToken);

    expect(res.status).toBe(403);
    expect(res.body).toEqual(errorEnvelope(403, 'forbidden', FORBIDDEN, childToken));
  });

  it('when a child token reads the master account, then 403 forbidden', async () => {
    const res = await app.http.get(`/v2/accounts/${masterId}`).set('X-Auth-Token', childToken);

    expect(res.status).toBe(403);
    expect(res.body).toEqual(errorEnvelope(403, 'forbidden', FORBIDDEN, childToken));
  });

  it('when a sibling token reads another account of the same parent, then 403 forbidden', async () => {
    const res = await app.http.get(`/v2/accounts/${parentId}`).set('X-Auth-Token', siblingToken);

    expect(res.status).toBe(403);
    expect(res.body).toEqual(errorEnvelope(403, 'forbidden', FORBIDDEN, siblingToken));
  });

  it("when a sibling token reads the sibling's child, then 403 forbidden", async () => {
    const res = await app.http.get(`/v2/accounts/${childId}`).set('X-Auth-Token', siblingToken);

    expect(res.status).toBe(403);
    expect(res.body).toEqual(errorEnvelope(403, 'forbidden', FORBIDDEN, siblingToken));
  });

  it('when a child token tries to modify its parent, then 403 and nothing changes', async () => {
    const res = await app.http
      .patch(`/v2/accounts/${parentId}`)
      .set('X-Auth-Token', childToken)
      .send({ data: { timezone: 'Asia/Tokyo' } });

    expect(res.status).toBe(403);
    expect(res.body).toEqual(errorEnvelope(403, 'forbidden', FORBIDDEN, childToken));
    const after = await app.http.get(`/v2/accounts/${parentId}`).set('X-Auth-Token', adminToken);
    expect(after.body.data).not.toHaveProperty('timezone');
  });

  it('when the master admin reads any account, then 200', async () => {
    for (const id of [parentId, childId, siblingId]) {
      const res = await app.http.get(`/v2/accounts/${id}`).set('X-Auth-Token', adminToken);

      expect(res.status).toBe(200);
      expect(res.body.data.id).toBe(id);
    }
  });

  it("when the master account's api key token reads any account, then 200", async () => {
    const masterToken = await apiKeyToken(app, adminToken, masterId);

    const res = await app.http.get(thingsPath(childId)).set('X-Auth-Token', masterToken);

    expect(res.status).toBe(200);
  });

  it('when an unknown noun is asked with a valid token, then 404 not_found', async () => {
    const res = await app.http.get('/v2/nosuch').set('X-Auth-Token', childToken);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, childToken));
  });
});

describe('log redaction', () => {
  it('when logins, api_auth and ?auth_token= requests ran, then no log line holds a secret', async () => {
    const password = `Redact-${randomBytes(8).toString('hex')}`;
    const username = uniqueName('redact');
    await createUser(adminToken, accountId, { username, password });
    const credentials = md5(`${username}:${password}`);
    const shaCredentials = sha1(`${username}:${password}`);
    const login = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials, account_name: accountName } });
    const shaLogin = await app.http
      .put('/v2/user_auth')
      .send({ data: { credentials: shaCredentials, method: 'sha', account_name: accountName } });
    const apiLogin = await app.http.put('/v2/api_auth').send({ data: { api_key: apiKey } });
    const token = login.body.auth_token as string;
    const apiToken = apiLogin.body.auth_token as string;
    await app.http.get('/v2/token_auth').query({ auth_token: token }).expect(200);
    await app.http.get('/v2/token_auth').set('X-Auth-Token', apiToken).expect(200);
    await app.http.get('/v2/token_auth').set('Authorization', `Bearer ${token}`).expect(200);
    expect([login.status, shaLogin.status, apiLogin.status]).toEqual([201, 201, 201]);

    const lines = app.logs.lines;

    // The capture works: the requests above were logged.
    expect(lines.some((line) => line.includes('/v2/user_auth'))).toBe(true);
    expect(lines.some((line) => line.includes('/v2/api_auth'))).toBe(true);
    expect(lines.some((line) => line.includes('/v2/token_auth?auth_token='))).toBe(true);
    for (const secret of [
      password,
      credentials,
      shaCredentials,
      PASSWORD,
      userCredentials(),
      apiKey,
      token,
      apiToken,
    ]) {
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
