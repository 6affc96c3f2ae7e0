/**
 * clients.md §7: the PHP SDK, `2600hz/kazoo-php-sdk` (`lib/hz2600/Kazoo/HttpClient/`,
 * `AuthToken/`, `Api/Entity/`, `Tests/Functional/AccountTest.php`): Guzzle with fixed headers,
 * `save()` = PUT when new else POST of the whole fetched entity, status codes mapped to exceptions.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  apiKeyToken,
  createAccount,
  errorEnvelope,
  expectJsonHeaders,
  loginAsAdmin,
  uniqueName,
} from '../../helpers/api';
import { createLoginUser, fetchAccount, fetchApiKey, type LoginUser } from '../../helpers/clients';

const SDK_HEADERS = {
  Accept: 'application/json',
  'Content-Type': 'application/json',
  'User-Agent': 'kazoo-php-sdk (http://github.com/2600hz/kazoo-php-sdk)',
};

let app: TestApp;
let admin: string;
let accountId: string;
let accountRealm: string;
let apiKey: string;
let user: LoginUser;

beforeAll(async () => {
  app = await startTestApp();
  admin = await loginAsAdmin(app);
  accountId = await createAccount(app, admin, app.deps.masterAccountId);
  accountRealm = (await fetchAccount(app, admin, accountId)).realm;
  apiKey = await fetchApiKey(app, admin, accountId);
  user = await createLoginUser(app, admin, accountId);
});

afterAll(async () => {
  await app.close();
});

type Verb = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** `HttpClient::request`: the SDK headers, the token from the AuthToken, a JSON string body. */
function sdk(method: Verb, path: string, token: string, body?: unknown) {
  const req = app.http[method](`/v2${path}`).set(SDK_HEADERS).set('X-Auth-Token', token);
  return body === undefined ? req : req.send(JSON.stringify(body));
}

async function apiAuthToken(): Promise<string> {
  const res = await sdk('put', '/api_auth', '', { data: { api_key: apiKey } });
  if (res.status !== 201) throw new Error(`api_auth failed: ${res.status} ${res.text}`);
  return res.body.auth_token as string;
}

function newUser() {
  return { username: uniqueName('php'), first_name: 'Php', last_name: 'Sdk' };
}

describe('PHP SDK (2600hz/kazoo-php-sdk)', () => {
  it('AuthToken\\ApiKey: PUT /v2/api_auth {"data":{"api_key":K}} → 201, reads auth_token, data and status', async () => {
    const res = await sdk('put', '/api_auth', '', { data: { api_key: apiKey } });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body).toMatchObject({
      status: 'success',
      auth_token: expect.any(String),
      data: { account_id: accountId },
    });
  });

  it('AuthToken\\User: PUT /v2/user_auth with "realm" (not account_realm) → 201 for the realm’s account', async () => {
    const res = await sdk('put', '/user_auth', '', {
      data: { credentials: user.credentials, realm: accountRealm },
    });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body).toMatchObject({
      status: 'success',
      auth_token: expect.any(String),
      data: { account_id: accountId, owner_id: user.id },
    });
  });

  it('Entity::save() of a new entity PUTs it → 201; save() of the fetched entity (id, no _rev) POSTs it → 200, twice, never 409', async () => {
    const token = await apiAuthToken();
    const created = await sdk('put', `/accounts/${accountId}/users`, token, { data: newUser() });
    const id = created.body.data.id as string;
    const fetched = await sdk('get', `/accounts/${accountId}/users/${id}`, token);
    const entity = { ...fetched.body.data, first_name: 'Changed' };

    const first = await sdk('post', `/accounts/${accountId}/users/${id}`, token, { data: entity });
    const second = await sdk('post', `/accounts/${accountId}/users/${id}`, token, { data: entity });

    expect(created.status).toBe(201);
    expect(entity).toHaveProperty('id', id);
    expect(entity).not.toHaveProperty('_rev');
    expect([first.status, second.status]).toEqual([200, 200]);
    expectJsonHeaders(second);
    expect(second.body.data).toMatchObject({ id, first_name: 'Changed' });
    expect(second.body.revision).not.toBe(first.body.revision);
  });

  it('Entity::partialUpdate() PATCHes → 200 with the merged entity', async () => {
    const token = await apiAuthToken();
    const created = await sdk('put', `/accounts/${accountId}/users`, token, { data: newUser() });
    const id = created.body.data.id as string;

    const res = await sdk('patch', `/accounts/${accountId}/users/${id}`, token, {
      data: { email: 'php@example.com' },
    });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({ id, email: 'php@example.com', last_name: 'Sdk' });
  });

  it('Entity::remove() DELETEs → 200', async () => {
    const token = await apiAuthToken();
    const created = await sdk('put', `/accounts/${accountId}/users`, token, { data: newUser() });
    const id = created.body.data.id as string;

    const res = await sdk('delete', `/accounts/${accountId}/users/${id}`, token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({ id, _read_only: { deleted: true } });
  });

  it('Response reads header X-Request-ID: present on success and on error, equal to the body’s request_id', async () => {
    const token = await apiAuthToken();

    const ok = await sdk('get', `/accounts/${accountId}`, token);
    const failed = await sdk('get', `/accounts/${accountId}/users/${'0'.repeat(32)}`, token);

    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(ok.body.request_id).toBe(ok.headers['x-request-id']);
    expect(failed.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(failed.body.request_id).toBe(failed.headers['x-request-id']);
  });

  describe('ErrorListener maps statuses to exceptions: each status exact, each body a JSON error envelope', () => {
    it('400 (Validation): PUT of an entity missing required fields', async () => {
      const token = await apiAuthToken();

      const res = await sdk('put', `/accounts/${accountId}/users`, token, {
        data: { username: uniqueName('php'), first_name: 'Only' },
      });

      expect(res.status).toBe(400);
      expectJsonHeaders(res);
      expect(res.body).toEqual(
        errorEnvelope(
          400,
          'validation error',
          {
            last_name: {
              required: { message: 'Field is required but missing', value: 'last_name' },
            },
          },
          token,
        ),
      );
    });

    it('401 (Unauthenticated): a token that is not valid', async () => {
      const res = await sdk('get', `/accounts/${accountId}`, 'not-a-token');

      expect(res.status).toBe(401);
      expectJsonHeaders(res);
      expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'not-a-token'));
    });

    it('403 (Forbidden): another account’s token', async () => {
      const otherId = await createAccount(app, admin, app.deps.masterAccountId);
      const otherToken = await apiKeyToken(app, admin, otherId);

      const res = await sdk('get', `/accounts/${accountId}`, otherToken);

      expect(res.status).toBe(403);
      expectJsonHeaders(res);
      expect(res.body).toEqual(
        errorEnvelope(403, 'forbidden', { message: 'forbidden' }, otherToken),
      );
    });

    it('404 (NotFound): an unknown entity id', async () => {
      const token = await apiAuthToken();
      const unknown = 'abcdef0123456789abcdef0123456789';

      const res = await sdk('get', `/accounts/${accountId}/users/${unknown}`, token);

      expect(res.status).toBe(404);
      expectJsonHeaders(res);
      expect(res.body).toEqual(
        errorEnvelope(404, 'bad_identifier', { cause: unknown, message: 'bad identifier' }, token),
      );
    });

    it('405 (InvalidMethod): PUT on an entity’s own URL', async () => {
      const token = await apiAuthToken();

      const res = await sdk('put', `/accounts/${accountId}/users/${user.id}`, token, {
        data: newUser(),
      });

      expect(res.status).toBe(405);
      expectJsonHeaders(res);
      expect(res.body).toEqual(
        errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
      );
    });

    it('409 (Conflict): PUT of a new entity with an id already used', async () => {
      const token = await apiAuthToken();

      const res = await sdk('put', `/accounts/${accountId}/users`, token, {
        data: { ...newUser(), id: user.id },
      });

      expect(res.status).toBe(409);
      expectJsonHeaders(res);
      expect(res.body).toEqual(
        errorEnvelope(409, 'datastore_conflict', { message: 'conflicting documents' }, token),
      );
    });
  });

  it('Functional AccountTest: GET own account, POST a new name then re-GET, PUT a child, POST the child, DELETE the child', async () => {
    const ownId = await createAccount(app, admin, app.deps.masterAccountId);
    const token = await apiKeyToken(app, admin, ownId);

    const own = await sdk('get', `/accounts/${ownId}`, token);
    const newName = uniqueName('php-renamed');
    const renamed = await sdk('post', `/accounts/${ownId}`, token, {
      data: { ...own.body.data, name: newName },
    });
    const refetched = await sdk('get', `/accounts/${ownId}`, token);
    const childName = uniqueName('php-child');
    const child = await sdk('put', `/accounts/${ownId}`, token, { data: { name: childName } });
    const childId = child.body.data.id as string;
    const childPosted = await sdk('post', `/accounts/${childId}`, token, {
      data: { ...child.body.data, timezone: 'America/Los_Angeles' },
    });
    const removed = await sdk('delete', `/accounts/${childId}`, token);

    expect([own.status, renamed.status, refetched.status]).toEqual([200, 200, 200]);
    expect(refetched.body.data.name).toBe(newName);
    expect(child.status).toBe(201);
    expect(childPosted.status).toBe(200);
    expect(childPosted.body.data).toMatchObject({
      id: childId,
      name: childName,
      timezone: 'America/Los_Angeles',
    });
    expect(removed.status).toBe(200);
    expect(removed.body.data).toMatchObject({ id: childId, _read_only: { deleted: true } });
  });
});
