/**
 * core.md §1, §4, §8, §12: the error catalogue and the order of the pipeline's checks, exercised
 * through the things routes and a few others.
 */
import { startTestApp, type TestApp } from '../helpers/app';
import {
  apiKeyToken,
  createAccount,
  createThing,
  errorEnvelope,
  expectJsonHeaders,
  setupAccount,
  successEnvelope,
  thingsPath,
} from '../helpers/api';
import { buildThing } from '../helpers/factories';

const UNKNOWN_ACCOUNT = 'fedcba9876543210fedcba9876543210';
const NO_TOKEN = { message: 'invalid credentials' };

let app: TestApp;
let token: string;
let accountId: string;

beforeAll(async () => {
  app = await startTestApp();
  ({ token, accountId } = await setupAccount(app));
});

afterAll(async () => {
  await app.close();
});

describe('401: not authenticated', () => {
  it('when no token is sent, then 401 invalid_credentials with data.message', async () => {
    const res = await app.http.get(thingsPath(accountId));

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', NO_TOKEN));
  });

  it.each(['undefined', 'null', ''])(
    'when X-Auth-Token is %p, then it counts as no token (first 401 form)',
    async (value) => {
      const res = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', value);

      expect(res.status).toBe(401);
      expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', NO_TOKEN));
    },
  );

  it('when Authorization: Basic is sent, then it counts as no token', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('Authorization', `Basic ${Buffer.from('admin:pw').toString('base64')}`);

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', NO_TOKEN));
  });

  it('when a garbage token is sent, then 401 "invalid credentials" with empty data and the token echoed', async () => {
    const res = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', 'garbage');

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'garbage'));
  });

  it('when a token with a bad signature is sent, then 401 "invalid credentials" with empty data', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;

    const res = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', forged);

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, forged));
  });

  it('when a bad token is sent as Bearer, then 401 "invalid credentials" with the token echoed', async () => {
    const res = await app.http.get(thingsPath(accountId)).set('Authorization', 'Bearer not.a.jwt');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'not.a.jwt'));
  });

  it('when a bad token is sent to an unknown account, then 401 (token check before the account)', async () => {
    const res = await app.http.get(thingsPath(UNKNOWN_ACCOUNT)).set('X-Auth-Token', 'garbage');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'garbage'));
  });

  it('when a bad token is sent to an unhandled sub-path, then 401 (token check before routing)', async () => {
    const res = await app.http
      .get(thingsPath(accountId, 'x', 'nosuch'))
      .set('X-Auth-Token', 'garbage');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'garbage'));
  });
});

describe('403: another account', () => {
  let siblingId: string;
  let siblingToken: string;

  beforeAll(async () => {
    siblingId = await createAccount(app, token, app.deps.masterAccountId);
    siblingToken = await apiKeyToken(app, token, siblingId);
  });

  it('when a sibling account token reads things of another account, then 403 forbidden', async () => {
    const res = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', siblingToken);

    expect(res.status).toBe(403);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(403, 'forbidden', { message: 'forbidden' }, siblingToken),
    );
  });

  it('when a sibling account token creates a thing in another account, then 403 and nothing is created', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', siblingToken)
      .send({ data: { name: 'intruder' } });

    expect(res.status).toBe(403);
    expect(res.body).toEqual(
      errorEnvelope(403, 'forbidden', { message: 'forbidden' }, siblingToken),
    );
    const listed = await app.http
      .get(thingsPath(accountId))
      .query({ filter_name: 'intruder' })
      .set('X-Auth-Token', token);
    expect(listed.body.data).toEqual([]);
  });

  it('when a sibling account token uses its own account, then 200', async () => {
    const { id } = await createThing(app, siblingToken, siblingId, { name: 'mine' });

    const res = await app.http.get(thingsPath(siblingId, id)).set('X-Auth-Token', siblingToken);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'mine', stuff: [] },
        { auth_token: siblingToken, revision: expect.stringMatching(/^1-/) },
      ),
    );
  });

  it('when the sibling token asks for an unknown thing in another account, then 403 before 404', async () => {
    const res = await app.http
      .get(thingsPath(accountId, 'whatever'))
      .set('X-Auth-Token', siblingToken);

    expect(res.status).toBe(403);
    expect(res.body).toEqual(
      errorEnvelope(403, 'forbidden', { message: 'forbidden' }, siblingToken),
    );
  });
});

describe('404: account in the URL', () => {
  it('when the 32-char account is unknown, then 404 bad_identifier with the id as cause', async () => {
    const res = await app.http.get(thingsPath(UNKNOWN_ACCOUNT)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        404,
        'bad_identifier',
        { cause: UNKNOWN_ACCOUNT, message: 'bad identifier' },
        token,
      ),
    );
  });

  it('when the 32-char account is unknown and no token is sent, then 404 (before authentication)', async () => {
    const res = await app.http.get(thingsPath(UNKNOWN_ACCOUNT));

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: UNKNOWN_ACCOUNT, message: 'bad identifier' }),
    );
  });

  it('when the account id differs only in case, then 404 bad_identifier (never normalised)', async () => {
    const upper = accountId.toUpperCase();

    const res = await app.http.get(thingsPath(upper)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: upper, message: 'bad identifier' }, token),
    );
  });

  it('when the account id is not 32 chars, then 404 "bad identifier" even without a token', async () => {
    const res = await app.http.get(thingsPath('x'));

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad identifier', { message: "invalid account_id 'x'" }),
    );
  });

  it('when the account id has 33 chars, then 404 "bad identifier" naming it', async () => {
    const long = `${accountId}0`;

    const res = await app.http.get(thingsPath(long)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad identifier', { message: `invalid account_id '${long}'` }, token),
    );
  });

  it('when the account id is empty, then 404 "bad identifier" with missing account_id', async () => {
    const res = await app.http.get('/v2/accounts//things');

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad identifier', { message: 'missing account_id' }),
    );
  });
});

describe('404: unknown nouns and sub-paths', () => {
  it('when /v2/nosuch is asked without a token, then 401', async () => {
    const res = await app.http.get('/v2/nosuch');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', NO_TOKEN));
  });

  it('when /v2/nosuch is asked with a token, then 404 not_found', async () => {
    const res = await app.http.get('/v2/nosuch').set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, token));
  });

  it('when /v2/accounts/{A}/nosuch is asked without a token, then 404 not_found', async () => {
    const res = await app.http.get(`/v2/accounts/${accountId}/nosuch`);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }));
  });

  it('when /things/{id}/nosuch is asked without a token, then 404 not_found', async () => {
    const res = await app.http.get(thingsPath(accountId, 'some-id', 'nosuch'));

    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }));
  });
});

describe('405 before account and authentication', () => {
  it('when a method is not allowed and no token is sent, then 405 with Allow', async () => {
    const res = await app.http.delete(thingsPath(accountId));

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, PUT');
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }),
    );
  });

  it('when a method is not allowed on an unknown account, then 405 (method before account)', async () => {
    const res = await app.http.delete(thingsPath(UNKNOWN_ACCOUNT)).set('X-Auth-Token', token);

    expect(res.status).toBe(405);
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
    );
  });
});

describe('406: Accept', () => {
  it('when Accept is text/html only, then 406 not_acceptable with the Accept as cause', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Accept', 'text/html');

    expect(res.status).toBe(406);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        406,
        'not_acceptable',
        { message: 'not acceptable', cause: 'text/html' },
        token,
      ),
    );
  });

  it.each(['*/*', 'application/json', 'application/*', 'text/html, application/json;q=0.9'])(
    'when Accept is %p, then 200',
    async (accept) => {
      const res = await app.http
        .get(thingsPath(accountId))
        .set('X-Auth-Token', token)
        .set('Accept', accept);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body.status).toBe('success');
    },
  );

  it('when Accept is text/html and no token is sent, then 401 (authentication before Accept)', async () => {
    const res = await app.http.get(thingsPath(accountId)).set('Accept', 'text/html');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', NO_TOKEN));
  });

  it('when Accept is text/html on a create, then 406 and nothing is created', async () => {
    const name = buildThing().name;
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Accept', 'text/html')
      .send({ data: { name } });

    expect(res.status).toBe(406);
    const listed = await app.http
      .get(thingsPath(accountId))
      .query({ filter_name: name })
      .set('X-Auth-Token', token);
    expect(listed.body.data).toEqual([]);
  });
});

describe('/v1 auth aliases', () => {
  it('when PUT /v1/api_auth is sent with an api key, then 201 with a token and no pagination keys', async () => {
    const keyRes = await app.http
      .get(`/v2/accounts/${accountId}/api_key`)
      .set('X-Auth-Token', token);
    expect(keyRes.status).toBe(200);

    const res = await app.http
      .put('/v1/api_auth')
      .send({ data: { api_key: keyRes.body.data.api_key } });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body.auth_token).toEqual(expect.any(String));
    expect(res.body).not.toHaveProperty('page_size');
    expect(res.body).not.toHaveProperty('next_start_key');
    const used = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', res.body.auth_token as string);
    expect(used.status).toBe(200);
  });

  it('when a stale token is sent with PUT /v2/api_auth, then it is ignored (201)', async () => {
    const keyRes = await app.http
      .get(`/v2/accounts/${accountId}/api_key`)
      .set('X-Auth-Token', token);

    const res = await app.http
      .put('/v2/api_auth')
      .set('X-Auth-Token', 'stale-garbage')
      .send({ data: { api_key: keyRes.body.data.api_key } });

    expect(res.status).toBe(201);
    expect(res.body.auth_token).not.toBe('stale-garbage');
  });
});

describe('tokens and accounts that stop being valid', () => {
  it('when a revoked token is used, then 401 "invalid credentials" with empty data', async () => {
    const own = await apiKeyToken(app, token, accountId);
    const revoked = await app.http.delete('/v2/token_auth').set('X-Auth-Token', own);
    expect(revoked.status).toBe(200);

    const res = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', own);

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, own));
  });

  it('when the token account is disabled, then 423 locked', async () => {
    const disabledId = await createAccount(app, token, app.deps.masterAccountId);
    const disabledToken = await apiKeyToken(app, token, disabledId);
    const patched = await app.http
      .patch(`/v2/accounts/${disabledId}`)
      .set('X-Auth-Token', token)
      .send({ data: { enabled: false } });
    expect(patched.status).toBe(200);

    const res = await app.http.get(thingsPath(disabledId)).set('X-Auth-Token', disabledToken);

    expect(res.status).toBe(423);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        423,
        'locked',
        { account: { disabled: { message: 'account disabled' } } },
        disabledToken,
      ),
    );
  });

  it('when the token account was deleted, then 401 "invalid credentials" and its URL gives 404', async () => {
    const goneId = await createAccount(app, token, app.deps.masterAccountId);
    const goneToken = await apiKeyToken(app, token, goneId);
    const deleted = await app.http.delete(`/v2/accounts/${goneId}`).set('X-Auth-Token', token);
    expect(deleted.status).toBe(200);

    const withGoneToken = await app.http.get(thingsPath(goneId)).set('X-Auth-Token', goneToken);
    const withAdmin = await app.http.get(thingsPath(goneId)).set('X-Auth-Token', token);

    expect(withGoneToken.status).toBe(401);
    expect(withGoneToken.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, goneToken));
    expect(withAdmin.status).toBe(404);
    expect(withAdmin.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: goneId, message: 'bad identifier' }, token),
    );
  });

  it('when an account with children is deleted, then 500 account_has_descendants', async () => {
    const parentId = await createAccount(app, token, app.deps.masterAccountId);
    await createAccount(app, token, parentId);

    const res = await app.http.delete(`/v2/accounts/${parentId}`).set('X-Auth-Token', token);

    expect(res.status).toBe(500);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(500, 'account_has_descendants', { message: 'account has descendants' }, token),
    );
  });

  it('when an unknown api key is sent to api_auth, then 404 "bad identifier" with the key', async () => {
    const key = 'ab'.repeat(32);

    const res = await app.http.put('/v2/api_auth').send({ data: { api_key: key } });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope(404, 'bad identifier', [key]));
  });

  it('when login credentials are wrong, then 401 invalid_credentials', async () => {
    const res = await app.http.put('/v2/user_auth').send({
      data: { credentials: 'f'.repeat(32), account_name: app.deps.config.masterAccount },
    });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid_credentials', NO_TOKEN));
  });
});

describe('pipeline order', () => {
  it('when an unhandled sub-path names an unknown account, then 404 not_found (route before account)', async () => {
    const res = await app.http
      .get(thingsPath(UNKNOWN_ACCOUNT, 'x', 'nosuch'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, token));
  });

  it('when a POST to an unknown thing has an unsupported Content-Type, then 415 before 404', async () => {
    const res = await app.http
      .post(thingsPath(accountId, 'unknown-thing'))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'text/plain')
      .send('hello');

    expect(res.status).toBe(415);
    expect(res.body).toEqual(
      errorEnvelope(
        415,
        'unsupported_media_type',
        { message: 'unsupported media type', cause: 'text/plain' },
        token,
      ),
    );
  });

  it('when an unknown thing is asked with Accept: text/html, then 406 before 404', async () => {
    const res = await app.http
      .get(thingsPath(accountId, 'unknown-thing'))
      .set('X-Auth-Token', token)
      .set('Accept', 'text/html');

    expect(res.status).toBe(406);
    expect(res.body).toEqual(
      errorEnvelope(
        406,
        'not_acceptable',
        { message: 'not acceptable', cause: 'text/html' },
        token,
      ),
    );
  });

  it('when a POST has an invalid body and a stale If-Match, then 400 before 412', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-Match', '"1-stale"')
      .send({ data: { name: '' } });

    expect(res.status).toBe(400);
    expect(res.body.message).toBe('validation error');
    expect(res.body.data).toEqual({
      name: {
        minLength: { message: 'String must be at least 1 characters', target: 1, value: '' },
      },
    });
  });

  it('when another account token asks for a sub-path of things it cannot handle, then 404 before 403', async () => {
    const otherId = await createAccount(app, token, app.deps.masterAccountId);
    const otherToken = await apiKeyToken(app, token, otherId);

    const res = await app.http
      .get(thingsPath(accountId, 'x', 'nosuch'))
      .set('X-Auth-Token', otherToken);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, otherToken));
  });
});
