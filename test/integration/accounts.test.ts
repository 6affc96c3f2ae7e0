/**
 * Accounts and users over HTTP (spec accounts-auth.md §1–§4): create, read, replace, merge,
 * enable/disable, listings, api key, delete; users with passwords that never come back.
 */
import { createHash, randomBytes } from 'node:crypto';
import Nano from 'nano';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  apiKeyToken,
  errorEnvelope,
  expectJsonHeaders,
  gregorianSeconds,
  loginAsAdmin,
  md5,
  readStored,
  successEnvelope,
  uniqueName,
} from '../helpers/api';

const COMPUTED_KEYS = [
  'id',
  'enabled',
  'created',
  'superduper_admin',
  'wnm_allow_additions',
  'is_reseller',
  'reseller_id',
  'billing_mode',
  'api_key',
];
const LOCKED = { account: { disabled: { message: 'account disabled' } } };

let app: TestApp;
let adminToken: string;
let masterId: string;

/** `PUT /v2/accounts/{parent}` with the admin token unless another is given. */
function putAccount(parentId: string, data: Record<string, unknown>, token = adminToken) {
  return app.http.put(`/v2/accounts/${parentId}`).set('X-Auth-Token', token).send({ data });
}

async function newAccount(
  parentId: string,
  data: Record<string, unknown> = {},
  token = adminToken,
): Promise<{ id: string; data: Record<string, unknown> }> {
  const res = await putAccount(parentId, { name: uniqueName('acct'), ...data }, token);
  if (res.status !== 201) throw new Error(`account create failed: ${res.status} ${res.text}`);
  return { id: res.body.data.id as string, data: res.body.data as Record<string, unknown> };
}

/** The copy of an account doc in the `accounts` database, private fields included. */
async function storedInAccounts(id: string): Promise<Record<string, unknown>> {
  return Nano(process.env.COUCHDB_URL!).use<Record<string, unknown>>('accounts').get(id);
}

async function createUser(
  accountId: string,
  data: Record<string, unknown>,
  token = adminToken,
): Promise<Record<string, unknown>> {
  const res = await app.http
    .put(`/v2/accounts/${accountId}/users`)
    .set('X-Auth-Token', token)
    .send({ data: { first_name: 'Test', last_name: 'User', ...data } });
  if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${res.text}`);
  return res.body.data as Record<string, unknown>;
}

function login(accountName: string, username: string, password: string) {
  return app.http
    .put('/v2/user_auth')
    .send({ data: { credentials: md5(`${username}:${password}`), account_name: accountName } });
}

beforeAll(async () => {
  app = await startTestApp();
  masterId = app.deps.masterAccountId;
  adminToken = await loginAsAdmin(app);
});

afterAll(async () => {
  await app.close();
});

describe('PUT /v2/accounts/:accountId', () => {
  it('when a child is created, then 201, Location /v2/accounts/{id} and the §2.2 data', async () => {
    const name = uniqueName('Create');
    const realm = `${uniqueName('create')}.example.com`;
    const before = gregorianSeconds();

    const res = await putAccount(masterId, { name, realm });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    const id = res.body.data.id as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.location).toBe(`/v2/accounts/${id}`);
    expect(res.body).toEqual(
      successEnvelope(
        {
          id,
          name,
          realm,
          enabled: true,
          created: expect.any(Number),
          superduper_admin: false,
          wnm_allow_additions: false,
          is_reseller: false,
          reseller_id: masterId,
          // The admin's token belongs to the master, which is the reseller.
          billing_mode: 'limits_only',
        },
        { auth_token: adminToken, revision: expect.any(String) },
      ),
    );
    const created = res.body.data.created as number;
    expect(Number.isInteger(created)).toBe(true);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(gregorianSeconds());
  });

  it('when no realm is sent, then a realm of 6 hex chars + ".sip.2600hz.com" is generated', async () => {
    const res = await putAccount(masterId, { name: uniqueName('norealm') });

    expect(res.status).toBe(201);
    expect(res.body.data.realm).toMatch(/^[0-9a-f]{6}\.sip\.2600hz\.com$/);
  });

  it('when an empty realm is sent, then a realm is generated', async () => {
    const res = await putAccount(masterId, { name: uniqueName('emptyrealm'), realm: '' });

    expect(res.status).toBe(201);
    expect(res.body.data.realm).toMatch(/^[0-9a-f]{6}\.sip\.2600hz\.com$/);
  });

  it('when extra properties are sent, then they are stored and returned', async () => {
    const ui = { version: '4.3-1', ui: 'monster-ui' };

    const res = await putAccount(masterId, {
      name: uniqueName('extra'),
      timezone: 'America/New_York',
      ui_metadata: ui,
      custom: { deep: [1, 2] },
    });

    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      timezone: 'America/New_York',
      ui_metadata: ui,
      custom: { deep: [1, 2] },
    });
  });

  it('when created, then both copies hold the private fields of §2', async () => {
    const { id } = await newAccount(masterId);

    const inAccounts = await storedInAccounts(id);
    const inOwnDb = await readStored(id, id);

    const encodedDb = `account%2F${id.slice(0, 2)}%2F${id.slice(2, 4)}%2F${id.slice(4)}`;
    expect(inAccounts).toMatchObject({
      _id: id,
      pvt_type: 'account',
      pvt_account_id: id,
      pvt_account_db: encodedDb,
      pvt_tree: [masterId],
      pvt_api_key: expect.stringMatching(/^[0-9a-f]{64}$/),
      pvt_enabled: true,
      pvt_superduper_admin: false,
      pvt_wnm_allow_additions: false,
      pvt_reseller: false,
      pvt_reseller_id: masterId,
      pvt_vsn: '1',
      pvt_created: expect.any(Number),
      pvt_modified: expect.any(Number),
    });
    const { _rev: _a, ...accountsCopy } = inAccounts;
    const { _rev: _b, ...ownCopy } = inOwnDb ?? {};
    expect(ownCopy).toEqual(accountsCopy);
  });

  it('when a grandchild is created, then its tree lists the ancestors root first', async () => {
    const parent = await newAccount(masterId);
    const child = await newAccount(parent.id);

    const stored = await storedInAccounts(child.id);

    expect(stored.pvt_tree).toEqual([masterId, parent.id]);
    expect(child.data.reseller_id).toBe(masterId);
  });

  it('when the name is missing, then 400 name.required', async () => {
    const res = await putAccount(masterId, { realm: `${uniqueName('r')}.example.com` });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        { name: { required: { message: 'Field is required but missing', value: 'name' } } },
        adminToken,
      ),
    );
  });

  it('when the realm is shorter than 4, then 400 realm.minLength', async () => {
    const res = await putAccount(masterId, { name: uniqueName('short'), realm: 'abc' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          realm: {
            minLength: { message: 'String must be at least 4 characters', target: 4, value: 'abc' },
          },
        },
        adminToken,
      ),
    );
  });

  it('when the name is in use with another case and punctuation, then 400 name.unique', async () => {
    const base = uniqueName('Dup Name');
    await newAccount(masterId, { name: base });
    const variant = `${base.toUpperCase().replace(/-/g, ' ')}!!`;

    const res = await putAccount(masterId, { name: variant });

    expect(res.status).toBe(400);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        { name: { unique: { message: 'Account name already in use', cause: variant } } },
        adminToken,
      ),
    );
  });

  it('when the realm is in use (other case), then 400 realm.unique', async () => {
    const realm = `${uniqueName('dup')}.example.com`;
    await newAccount(masterId, { realm });

    const res = await putAccount(masterId, {
      name: uniqueName('dup realm'),
      realm: realm.toUpperCase(),
    });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          realm: {
            unique: { message: 'Account realm already in use', cause: realm.toUpperCase() },
          },
        },
        adminToken,
      ),
    );
  });

  it('when the realm has characters outside the pattern, then 400 realm.pattern', async () => {
    const res = await putAccount(masterId, { name: uniqueName('badrealm'), realm: 'bad realm!' });

    expect(res.status).toBe(400);
    const failure = res.body.data?.realm?.pattern as { message: string; target: string };
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          realm: {
            pattern: {
              message: `Failed to match pattern '${failure?.target}'`,
              // A JSON-schema pattern: the expression itself, not a /…/ regex literal.
              target: expect.stringMatching(/^\^.*\$$/),
              value: 'bad realm!',
            },
          },
        },
        adminToken,
      ),
    );
  });

  it('when a client id of 32 lowercase hex is sent, then the account gets that id', async () => {
    const id = randomBytes(16).toString('hex');

    const res = await putAccount(masterId, { name: uniqueName('chosen'), id });

    expect(res.status).toBe(201);
    expect(res.body.data.id).toBe(id);
    expect(res.headers.location).toBe(`/v2/accounts/${id}`);
  });

  it('when a client id is not 32 lowercase hex, then 400 id.pattern', async () => {
    const res = await putAccount(masterId, { name: uniqueName('badid'), id: 'ABC' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          id: {
            pattern: expect.objectContaining({
              message: expect.stringMatching(/^Failed to match pattern '/),
              value: 'ABC',
            }),
          },
        },
        adminToken,
      ),
    );
  });

  it('when a client id is already used, then 409 datastore_conflict', async () => {
    const { id } = await newAccount(masterId);

    const res = await putAccount(masterId, { name: uniqueName('sameid'), id });

    expect(res.status).toBe(409);
    expect(res.body).toEqual(
      errorEnvelope(409, 'datastore_conflict', { message: 'conflicting documents' }, adminToken),
    );
  });

  it('when the same name is created five times at once, then exactly one succeeds', async () => {
    const parent = await newAccount(masterId);
    const name = uniqueName('race');

    const results = await Promise.all([1, 2, 3, 4, 5].map(() => putAccount(parent.id, { name })));

    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([201, 400, 400, 400, 400]);
    for (const res of results.filter((r) => r.status === 400)) {
      expect(res.body.data).toEqual({
        name: { unique: { message: 'Account name already in use', cause: name } },
      });
    }
    const children = await app.http
      .get(`/v2/accounts/${parent.id}/children`)
      .set('X-Auth-Token', adminToken);
    expect(children.body.data).toHaveLength(1);
  });

  it('when the parent is an unknown account, then 404 bad_identifier', async () => {
    const unknown = 'e'.repeat(32);

    const res = await putAccount(unknown, { name: uniqueName('orphan') });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(
        404,
        'bad_identifier',
        { cause: unknown, message: 'bad identifier' },
        adminToken,
      ),
    );
  });

  it('when no token is sent, then 401 invalid_credentials', async () => {
    const res = await app.http.put(`/v2/accounts/${masterId}`).send({ data: { name: 'x' } });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
  });
});

describe('PUT /v2/accounts', () => {
  it("when no parent is given, then the account is created as a child of the token's account", async () => {
    const parent = await newAccount(masterId);
    const parentToken = await apiKeyToken(app, adminToken, parent.id);
    const name = uniqueName('implicit');

    const res = await app.http
      .put('/v2/accounts')
      .set('X-Auth-Token', parentToken)
      .send({ data: { name } });

    expect(res.status).toBe(201);
    const id = res.body.data.id as string;
    expect(res.headers.location).toBe(`/v2/accounts/${id}`);
    expect(res.body.data).toMatchObject({
      id,
      name,
      reseller_id: masterId,
      billing_mode: 'normal',
    });
    expect((await storedInAccounts(id)).pvt_tree).toEqual([masterId, parent.id]);
  });
});

describe('GET /v2/accounts/:accountId', () => {
  it('when the account exists, then 200 with the same data as on create and an ETag', async () => {
    const created = await newAccount(masterId, { timezone: 'UTC' });

    const res = await app.http.get(`/v2/accounts/${created.id}`).set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(created.data, { auth_token: adminToken, revision: expect.any(String) }),
    );
    expect(res.headers.etag).toBe(`"${res.body.revision}"`);
  });

  it('when include_api_key=true, then api_key is added', async () => {
    const { id } = await newAccount(masterId);

    const res = await app.http
      .get(`/v2/accounts/${id}`)
      .query({ include_api_key: 'true' })
      .set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expect(res.body.data.api_key).toBe((await storedInAccounts(id)).pvt_api_key);
  });

  it('when the master is read, then superduper_admin and is_reseller are true', async () => {
    const res = await app.http.get(`/v2/accounts/${masterId}`).set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: masterId,
      name: app.deps.config.masterAccount,
      superduper_admin: true,
      is_reseller: true,
      reseller_id: masterId,
      enabled: true,
    });
  });

  it('when the 32-char account is unknown, then 404 bad_identifier with the id as cause', async () => {
    const unknown = 'f'.repeat(32);

    const res = await app.http.get(`/v2/accounts/${unknown}`).set('X-Auth-Token', adminToken);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(
        404,
        'bad_identifier',
        { cause: unknown, message: 'bad identifier' },
        adminToken,
      ),
    );
  });

  it('when the account id is not 32 chars, then 404 bad identifier with invalid account_id', async () => {
    const res = await app.http.get('/v2/accounts/abc').set('X-Auth-Token', adminToken);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad identifier', { message: "invalid account_id 'abc'" }, adminToken),
    );
  });

  it('when /v2/accounts is read without an id, then 405 invalid_method', async () => {
    const res = await app.http.get('/v2/accounts').set('X-Auth-Token', adminToken);

    expect(res.status).toBe(405);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, adminToken),
    );
    expect(res.headers.allow).toBe('PUT');
  });
});

describe('POST /v2/accounts/:accountId', () => {
  it('when the fetched data is posted 4 times, then 200 each with a new revision and computed keys not stored', async () => {
    const { id } = await newAccount(masterId, { timezone: 'UTC' });
    const fetched = await app.http.get(`/v2/accounts/${id}`).set('X-Auth-Token', adminToken);
    const revisions = new Set<string>([fetched.body.revision as string]);

    for (let i = 0; i < 4; i += 1) {
      const res = await app.http
        .post(`/v2/accounts/${id}`)
        .set('X-Auth-Token', adminToken)
        .send({ data: fetched.body.data });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        successEnvelope(fetched.body.data, {
          auth_token: adminToken,
          revision: expect.any(String),
        }),
      );
      revisions.add(res.body.revision as string);
    }

    expect(revisions.size).toBe(5);
    const stored = await storedInAccounts(id);
    for (const key of COMPUTED_KEYS) expect(stored).not.toHaveProperty(key);
    expect(stored).toMatchObject({ name: fetched.body.data.name, timezone: 'UTC' });
  });

  it('when a field is left out, then it is removed from both copies', async () => {
    const { id, data } = await newAccount(masterId, { topup: { threshold: 5 } });

    const res = await app.http
      .post(`/v2/accounts/${id}`)
      .set('X-Auth-Token', adminToken)
      .send({ data: { name: data.name, realm: data.realm, timezone: 'Europe/Paris' } });

    expect(res.status).toBe(200);
    expect(res.body.data).not.toHaveProperty('topup');
    expect(res.body.data.timezone).toBe('Europe/Paris');
    expect(await storedInAccounts(id)).not.toHaveProperty('topup');
    const own = await readStored(id, id);
    expect(own).not.toHaveProperty('topup');
    expect(own?.timezone).toBe('Europe/Paris');
  });

  it("when the name is changed to another account's, then 400 name.unique", async () => {
    const taken = await newAccount(masterId);
    const { id, data } = await newAccount(masterId);

    const res = await app.http
      .post(`/v2/accounts/${id}`)
      .set('X-Auth-Token', adminToken)
      .send({ data: { ...data, name: taken.data.name } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        { name: { unique: { message: 'Account name already in use', cause: taken.data.name } } },
        adminToken,
      ),
    );
  });

  it('when an account posts enabled false on itself, then it is ignored', async () => {
    const { id, data } = await newAccount(masterId);
    const ownToken = await apiKeyToken(app, adminToken, id);

    const res = await app.http
      .post(`/v2/accounts/${id}`)
      .set('X-Auth-Token', ownToken)
      .send({ data: { ...data, enabled: false } });

    expect(res.status).toBe(200);
    expect(res.body.data.enabled).toBe(true);
    expect((await storedInAccounts(id)).pvt_enabled).toBe(true);
  });
});

describe('PATCH /v2/accounts/:accountId', () => {
  it('when a property is patched, then it merges and a null deletes', async () => {
    const { id, data } = await newAccount(masterId, { timezone: 'UTC', language: 'en-us' });

    const res = await app.http
      .patch(`/v2/accounts/${id}`)
      .set('X-Auth-Token', adminToken)
      .send({ data: { timezone: 'Asia/Tokyo', language: null } });

    expect(res.status).toBe(200);
    const { language: _language, ...rest } = data;
    expect(res.body).toEqual(
      successEnvelope(
        { ...rest, timezone: 'Asia/Tokyo' },
        { auth_token: adminToken, revision: expect.any(String) },
      ),
    );
  });

  describe('when the parent disables a child', () => {
    let child: { id: string; data: Record<string, unknown> };
    let parentToken: string;
    let childToken: string;
    let apiKey: string;

    beforeAll(async () => {
      const parent = await newAccount(masterId);
      parentToken = await apiKeyToken(app, adminToken, parent.id);
      child = await newAccount(parent.id);
      await createUser(child.id, { username: 'locked', password: 'locked-pw' });
      childToken = await apiKeyToken(app, adminToken, child.id);
      apiKey = (await storedInAccounts(child.id)).pvt_api_key as string;
    });

    it('then PATCH {"enabled":false} answers 200 with enabled false, and enabling again restores access', async () => {
      const off = await app.http
        .patch(`/v2/accounts/${child.id}`)
        .set('X-Auth-Token', parentToken)
        .send({ data: { enabled: false } });

      expect(off.status).toBe(200);
      // billing_mode is relative to the token's account: the parent is not the reseller.
      expect(off.body.data).toEqual({ ...child.data, enabled: false, billing_mode: 'normal' });
      expect(await storedInAccounts(child.id)).not.toHaveProperty('enabled');

      const tokenUse = await app.http
        .get(`/v2/accounts/${child.id}`)
        .set('X-Auth-Token', childToken);
      expect(tokenUse.status).toBe(423);
      expectJsonHeaders(tokenUse);
      expect(tokenUse.body).toEqual(errorEnvelope(423, 'locked', LOCKED, childToken));

      const userLogin = await login(String(child.data.name), 'locked', 'locked-pw');
      expect(userLogin.status).toBe(423);
      expect(userLogin.body).toEqual(errorEnvelope(423, 'locked', LOCKED));

      const apiLogin = await app.http.put('/v2/api_auth').send({ data: { api_key: apiKey } });
      expect(apiLogin.status).toBe(423);
      expect(apiLogin.body).toEqual(errorEnvelope(423, 'locked', LOCKED));

      const adminRead = await app.http
        .get(`/v2/accounts/${child.id}`)
        .set('X-Auth-Token', adminToken);
      expect(adminRead.status).toBe(200);
      expect(adminRead.body.data.enabled).toBe(false);

      const on = await app.http
        .patch(`/v2/accounts/${child.id}`)
        .set('X-Auth-Token', parentToken)
        .send({ data: { enabled: true } });
      expect(on.status).toBe(200);
      expect(on.body.data.enabled).toBe(true);
      expect((await login(String(child.data.name), 'locked', 'locked-pw')).status).toBe(201);
      const tokenAgain = await app.http
        .get(`/v2/accounts/${child.id}`)
        .set('X-Auth-Token', childToken);
      expect(tokenAgain.status).toBe(200);
    });
  });
});

describe('GET /v2/accounts/:accountId/children and /descendants', () => {
  let parentId: string;
  let first: { id: string; data: Record<string, unknown> };
  let second: { id: string; data: Record<string, unknown> };
  let grandchild: { id: string; data: Record<string, unknown> };

  beforeAll(async () => {
    parentId = (await newAccount(masterId)).id;
    // Created out of name order: listings are ordered by name.
    second = await newAccount(parentId, { name: uniqueName('b-second') });
    first = await newAccount(parentId, { name: uniqueName('a-first') });
    grandchild = await newAccount(second.id, { name: uniqueName('c-grandchild') });
  });

  function childRow(account: { id: string; data: Record<string, unknown> }) {
    return {
      id: account.id,
      name: account.data.name,
      realm: account.data.realm,
      descendants_count: expect.any(Number),
      flags: expect.any(Array),
    };
  }

  function descendantRow(account: { id: string; data: Record<string, unknown> }, tree: string[]) {
    return {
      id: account.id,
      name: account.data.name,
      realm: account.data.realm,
      tree,
      flags: expect.any(Array),
    };
  }

  it('when children are listed, then the direct children only, by name, paginated', async () => {
    const res = await app.http
      .get(`/v2/accounts/${parentId}/children`)
      .set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope([childRow(first), childRow(second)], {
        auth_token: adminToken,
        revision: expect.any(String),
        page_size: 2,
      }),
    );
  });

  it('when descendants are listed, then every account below, by name, with its tree', async () => {
    const res = await app.http
      .get(`/v2/accounts/${parentId}/descendants`)
      .set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(
        [
          descendantRow(first, [masterId, parentId]),
          descendantRow(second, [masterId, parentId]),
          descendantRow(grandchild, [masterId, parentId, second.id]),
        ],
        { auth_token: adminToken, revision: expect.any(String), page_size: 3 },
      ),
    );
  });

  it('when page_size=1, then next_start_key leads to the next child', async () => {
    const page1 = await app.http
      .get(`/v2/accounts/${parentId}/children`)
      .query({ page_size: '1' })
      .set('X-Auth-Token', adminToken);

    expect(page1.status).toBe(200);
    expect(page1.body.data).toEqual([childRow(first)]);
    expect(page1.body.page_size).toBe(1);
    expect(page1.body.next_start_key).toEqual(expect.any(String));

    const page2 = await app.http
      .get(`/v2/accounts/${parentId}/children`)
      .query({ page_size: '1', start_key: page1.body.next_start_key as string })
      .set('X-Auth-Token', adminToken);

    expect(page2.status).toBe(200);
    expect(page2.body.data).toEqual([childRow(second)]);
    expect(page2.body.start_key).toBe(page1.body.next_start_key);
    expect(page2.body).not.toHaveProperty('next_start_key');
  });

  it('when an account has no children, then an empty list', async () => {
    const res = await app.http
      .get(`/v2/accounts/${first.id}/children`)
      .set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope([], { auth_token: adminToken, revision: expect.any(String), page_size: 0 }),
    );
  });
});

describe('GET /v2/accounts/:accountId/api_key', () => {
  it('when read, then 200 with the stored 64-hex api key', async () => {
    const { id } = await newAccount(masterId);

    const res = await app.http.get(`/v2/accounts/${id}/api_key`).set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { api_key: expect.stringMatching(/^[0-9a-f]{64}$/) },
        { auth_token: adminToken },
      ),
    );
    expect(res.body.data.api_key).toBe((await storedInAccounts(id)).pvt_api_key);
  });
});

describe('DELETE /v2/accounts/:accountId', () => {
  it('when the account has children, then 500 account_has_descendants', async () => {
    const parent = await newAccount(masterId);
    await newAccount(parent.id);

    const res = await app.http.delete(`/v2/accounts/${parent.id}`).set('X-Auth-Token', adminToken);

    expect(res.status).toBe(500);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        500,
        'account_has_descendants',
        { message: 'account has descendants' },
        adminToken,
      ),
    );
    const still = await app.http.get(`/v2/accounts/${parent.id}`).set('X-Auth-Token', adminToken);
    expect(still.status).toBe(200);
  });

  it('when a leaf is deleted, then 200 with _read_only.deleted, GET 404, its tokens 401, name and realm free', async () => {
    const parent = await newAccount(masterId);
    const leaf = await newAccount(parent.id);
    const leafToken = await apiKeyToken(app, adminToken, leaf.id);
    await createUser(leaf.id, { username: 'leafuser', password: 'leaf-pw' });

    const res = await app.http.delete(`/v2/accounts/${leaf.id}`).set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { ...leaf.data, enabled: false, _read_only: { deleted: true } },
        { auth_token: adminToken, revision: expect.any(String) },
      ),
    );

    const read = await app.http.get(`/v2/accounts/${leaf.id}`).set('X-Auth-Token', adminToken);
    expect(read.status).toBe(404);
    expect(read.body).toEqual(
      errorEnvelope(
        404,
        'bad_identifier',
        { cause: leaf.id, message: 'bad identifier' },
        adminToken,
      ),
    );

    const tokenUse = await app.http.get('/v2/token_auth').set('X-Auth-Token', leafToken);
    expect(tokenUse.status).toBe(401);
    expect(tokenUse.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, leafToken));

    const userLogin = await login(String(leaf.data.name), 'leafuser', 'leaf-pw');
    expect(userLogin.status).toBe(401);
    expect(userLogin.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );

    const children = await app.http
      .get(`/v2/accounts/${parent.id}/children`)
      .set('X-Auth-Token', adminToken);
    expect(children.body.data).toEqual([]);

    const again = await putAccount(masterId, { name: leaf.data.name, realm: leaf.data.realm });
    expect(again.status).toBe(201);
  });

  it('when the deleted account had a database, then the database is gone', async () => {
    const { id } = await newAccount(masterId);

    await app.http.delete(`/v2/accounts/${id}`).set('X-Auth-Token', adminToken).expect(200);

    const dbName = `account/${id.slice(0, 2)}/${id.slice(2, 4)}/${id.slice(4)}`;
    const names = await Nano(process.env.COUCHDB_URL!).db.list();
    expect(names).not.toContain(dbName);
    expect(await storedInAccounts(id)).toMatchObject({ pvt_deleted: true, pvt_enabled: false });
  });

  it('when the master is deleted, then 405 invalid_method without DELETE in Allow', async () => {
    const res = await app.http.delete(`/v2/accounts/${masterId}`).set('X-Auth-Token', adminToken);

    expect(res.status).toBe(405);
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, adminToken),
    );
    expect(String(res.headers.allow).split(', ')).not.toContain('DELETE');
  });
});

describe('/v2/accounts/:accountId/users', () => {
  let accountId: string;
  let accountName: string;

  beforeAll(async () => {
    const account = await newAccount(masterId);
    accountId = account.id;
    accountName = String(account.data.name);
  });

  function usersPath(...rest: string[]): string {
    return ['/v2/accounts', accountId, 'users', ...rest].join('/');
  }

  it('when a user is created with a password, then 201 and neither password nor hashes are returned', async () => {
    const res = await app.http
      .put(usersPath())
      .set('X-Auth-Token', adminToken)
      .send({
        data: {
          username: 'Alice.Smith',
          password: 'alice-pw',
          first_name: 'Alice',
          last_name: 'Smith',
          email: 'alice@example.com',
        },
      });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    const id = res.body.data.id as string;
    expect(res.headers.location).toBe(usersPath(id));
    expect(res.body).toEqual(
      successEnvelope(
        {
          id,
          username: 'alice.smith',
          first_name: 'Alice',
          last_name: 'Smith',
          email: 'alice@example.com',
          priv_level: 'user',
          enabled: true,
        },
        { auth_token: adminToken, revision: expect.any(String) },
      ),
    );
    const stored = await readStored(accountId, id);
    expect(stored).not.toHaveProperty('password');
    expect(stored).toMatchObject({
      pvt_type: 'user',
      pvt_md5_auth: md5('alice.smith:alice-pw'),
      pvt_sha1_auth: createHash('sha1').update('alice.smith:alice-pw').digest('hex'),
    });

    const read = await app.http.get(usersPath(id)).set('X-Auth-Token', adminToken);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(res.body.data);
  });

  it('when the new user logs in with account_name, then 201 with owner_id = the user', async () => {
    const user = await createUser(accountId, { username: 'bob', password: 'bob-pw' });

    const res = await login(accountName, 'bob', 'bob-pw');

    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ account_id: accountId, owner_id: user.id });
  });

  it('when the username is taken (other case), then 400 username.unique', async () => {
    await createUser(accountId, { username: 'carol', password: 'carol-pw' });

    const res = await app.http
      .put(usersPath())
      .set('X-Auth-Token', adminToken)
      .send({ data: { username: 'Carol', password: 'x', first_name: 'C', last_name: 'D' } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          username: {
            unique: { message: 'User name is not unique for this account', cause: 'carol' },
          },
        },
        adminToken,
      ),
    );
  });

  it('when the username changes without a password, then 400 password.required', async () => {
    const user = await createUser(accountId, { username: 'dave', password: 'dave-pw' });

    const res = await app.http
      .patch(usersPath(String(user.id)))
      .set('X-Auth-Token', adminToken)
      .send({ data: { username: 'david' } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        { password: { required: { message: 'Field is required but missing', value: 'password' } } },
        adminToken,
      ),
    );
    expect((await login(accountName, 'dave', 'dave-pw')).status).toBe(201);
  });

  it('when the username changes with a password, then the new credentials log in and the old do not', async () => {
    const user = await createUser(accountId, { username: 'erin', password: 'erin-pw' });

    const res = await app.http
      .patch(usersPath(String(user.id)))
      .set('X-Auth-Token', adminToken)
      .send({ data: { username: 'erin2', password: 'erin2-pw' } });

    expect(res.status).toBe(200);
    expect(res.body.data).not.toHaveProperty('password');
    expect((await login(accountName, 'erin2', 'erin2-pw')).status).toBe(201);
    expect((await login(accountName, 'erin', 'erin-pw')).status).toBe(401);
  });

  it('when a user is updated without a password, then the stored hashes are kept', async () => {
    const user = await createUser(accountId, { username: 'frank', password: 'frank-pw' });

    const res = await app.http
      .patch(usersPath(String(user.id)))
      .set('X-Auth-Token', adminToken)
      .send({ data: { first_name: 'Franklin' } });

    expect(res.status).toBe(200);
    expect(res.body.data.first_name).toBe('Franklin');
    expect((await login(accountName, 'frank', 'frank-pw')).status).toBe(201);
  });

  it('when a user is disabled, then its login fails with 401', async () => {
    const user = await createUser(accountId, { username: 'grace', password: 'grace-pw' });

    await app.http
      .patch(usersPath(String(user.id)))
      .set('X-Auth-Token', adminToken)
      .send({ data: { enabled: false } })
      .expect(200);

    const res = await login(accountName, 'grace', 'grace-pw');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
  });

  it('when users are listed, then rows of id, username, names, email and priv_level', async () => {
    const other = await newAccount(masterId);
    const listed = await createUser(other.id, {
      username: 'heidi',
      password: 'heidi-pw',
      first_name: 'Heidi',
      last_name: 'Klum',
      email: 'heidi@example.com',
      priv_level: 'admin',
    });
    const plain = await createUser(other.id, { username: 'ivan', password: 'ivan-pw' });

    const res = await app.http
      .get(`/v2/accounts/${other.id}/users`)
      .set('X-Auth-Token', adminToken);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    const rows = [
      {
        id: listed.id,
        username: 'heidi',
        first_name: 'Heidi',
        last_name: 'Klum',
        email: 'heidi@example.com',
        priv_level: 'admin',
      },
      { id: plain.id, username: 'ivan', first_name: 'Test', last_name: 'User', priv_level: 'user' },
    ].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(res.body).toEqual(
      successEnvelope(rows, {
        auth_token: adminToken,
        revision: expect.any(String),
        page_size: 2,
      }),
    );
  });
});
