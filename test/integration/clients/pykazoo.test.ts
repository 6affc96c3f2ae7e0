/**
 * clients.md §8: PyKazoo, `tnewman/PyKazoo` (`pykazoo/restrequest.py`, `authentication.py`,
 * `accounts.py`): python-requests with `Content-Type: application/json` on every call (GET and
 * DELETE without a body), and only 200 and 201 count as success — anything else raises.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  createAccount,
  loginAsAdmin,
  rawRequest,
  uniqueName,
  type RawResponse,
} from '../../helpers/api';
import { createLoginUser, fetchAccount, fetchApiKey, type LoginUser } from '../../helpers/clients';

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

/**
 * `RestRequest._request`: `requests.request(verb, api_url + '/' + action, headers, data=json.dumps(data) or None,
 * params)`. requests adds its own User-Agent/Accept/Accept-Encoding, and `Content-Length: 0` on a
 * body-less DELETE.
 */
function pykazoo(
  verb: 'GET' | 'PUT' | 'POST' | 'DELETE',
  action: string,
  token: string | undefined,
  data?: unknown,
  params?: Record<string, string>,
): Promise<RawResponse> {
  const query = params ? `?${new URLSearchParams(params).toString()}` : '';
  const body = data === undefined ? (verb === 'DELETE' ? '' : undefined) : JSON.stringify(data);
  return rawRequest(app, {
    method: verb,
    path: `/v2/${action}${query}`,
    headers: {
      'User-Agent': 'python-requests/2.31.0',
      Accept: '*/*',
      'Accept-Encoding': 'gzip, deflate',
      'Content-Type': 'application/json',
      ...(token ? { 'X-Auth-Token': token } : {}),
    },
    ...(body === undefined ? {} : { body }),
  });
}

/** PyKazoo's success test, then `response.json()`. */
function json(res: RawResponse): {
  data: Record<string, unknown> & { id: string };
  auth_token: string;
} {
  expect([200, 201]).toContain(res.status);
  expect(res.headers['content-type']).toBe('application/json');
  return res.body as { data: Record<string, unknown> & { id: string }; auth_token: string };
}

async function apiAuth(): Promise<string> {
  return json(await pykazoo('PUT', 'api_auth', undefined, { data: { api_key: apiKey } }))
    .auth_token;
}

describe('PyKazoo (tnewman/PyKazoo)', () => {
  it('Authentication.api_auth: PUT api_auth → 201 (a success to PyKazoo), reads auth_token and data.account_id', async () => {
    const res = await pykazoo('PUT', 'api_auth', undefined, { data: { api_key: apiKey } });

    expect(res.status).toBe(201);
    const body = json(res);
    expect(body.auth_token).toEqual(expect.any(String));
    expect(body.data.account_id).toBe(accountId);
  });

  it('Authentication.user_auth: PUT user_auth with md5(username:password) and account_name → 201, reads auth_token and data.account_id', async () => {
    const res = await pykazoo('PUT', 'user_auth', undefined, {
      data: { credentials: user.credentials, account_name: accountName },
    });

    expect(res.status).toBe(201);
    const body = json(res);
    expect(body.auth_token).toEqual(expect.any(String));
    expect(body.data.account_id).toBe(accountId);
  });

  it('Accounts.get_account: GET with Content-Type: application/json, no body, filters as params → 200', async () => {
    const token = await apiAuth();

    const res = await pykazoo('GET', `accounts/${accountId}`, token, undefined, {});

    expect(res.status).toBe(200);
    expect(json(res).data).toMatchObject({ id: accountId, name: accountName });
  });

  it('Accounts.create_sub_account → 201, update_account (POST) → 200, delete_account (DELETE, no body) → 200', async () => {
    const token = await apiAuth();
    const name = uniqueName('py-child');

    const created = await pykazoo('PUT', `accounts/${accountId}`, token, { data: { name } });
    const childId = json(created).data.id;
    const updated = await pykazoo('POST', `accounts/${childId}`, token, {
      data: { name, language: 'de-de' },
    });
    const deleted = await pykazoo('DELETE', `accounts/${childId}`, token);

    expect([created.status, updated.status, deleted.status]).toEqual([201, 200, 200]);
    expect(json(updated).data).toMatchObject({ id: childId, name, language: 'de-de' });
    expect(json(deleted).data).toMatchObject({ id: childId, _read_only: { deleted: true } });
  });

  it('Accounts.get_account_children / get_account_descendants with filters as params → 200 each', async () => {
    const token = await apiAuth();
    const child = await createAccount(app, admin, accountId, uniqueName('py-kid'));
    const grandchild = await createAccount(app, admin, child);
    const childName = (await fetchAccount(app, admin, child)).name;

    const children = await pykazoo('GET', `accounts/${accountId}/children`, token, undefined, {
      filter_name: childName,
    });
    const descendants = await pykazoo('GET', `accounts/${accountId}/descendants`, token);

    expect(children.status).toBe(200);
    expect((json(children).data as unknown as Array<{ id: string }>).map((r) => r.id)).toEqual([
      child,
    ]);
    expect(descendants.status).toBe(200);
    expect((json(descendants).data as unknown as Array<{ id: string }>).map((r) => r.id)).toEqual(
      expect.arrayContaining([child, grandchild]),
    );
  });

  it('raises ValueError on 404 and PermissionError on 401: those statuses come exact, with a JSON error', async () => {
    const token = await apiAuth();

    const missing = await pykazoo('GET', `accounts/${'a'.repeat(32)}`, token);
    const noAuth = await pykazoo('GET', `accounts/${accountId}`, undefined);

    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json');
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers['content-type']).toBe('application/json');
  });
});
