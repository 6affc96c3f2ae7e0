/**
 * clients.md §6: the Postman collection, `2600hz/monster-ui`
 * `docs/postman/2600hz_kazoo_apis_oss.postman_collection.json` — `{{base_url}}` carries the version,
 * `user_auth.create` asserts truthy fields, `accounts.get` sends the saved token.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import { createAccount, expectJsonHeaders, loginAsAdmin } from '../../helpers/api';
import { createLoginUser, fetchAccount, type LoginUser } from '../../helpers/clients';

/** `{{base_url}}` of the collection's environment: version included, no trailing slash. */
const BASE_URL = '/v2';

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

/** The headers Postman's runtime adds to every request (gzip included: supertest inflates). */
function postman<T extends { set(name: string, value: string): T }>(req: T): T {
  return req
    .set('User-Agent', 'PostmanRuntime/7.36.0')
    .set('Accept', '*/*')
    .set('Cache-Control', 'no-cache')
    .set('Postman-Token', '5d2b7c56-1f1e-4c4f-9e43-0d3b9d1f2a7e')
    .set('Accept-Encoding', 'gzip, deflate, br');
}

async function userAuthCreate() {
  return postman(app.http.put(`${BASE_URL}/user_auth`))
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ data: { credentials: user.credentials, account_name: accountName } }));
}

describe('Postman collection (2600hz_kazoo_apis_oss.postman_collection.json)', () => {
  it('user_auth.create: PUT {{base_url}}/user_auth with MD5(username:password) → its tests pass (truthy account_id, account_name, auth_token, owner_id)', async () => {
    const res = await userAuthCreate();

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    const jsonData = res.body as {
      auth_token: string;
      data: { account_id: string; account_name: string; owner_id: string };
    };
    expect(jsonData.data.account_id).toBe(accountId);
    expect(jsonData.data.account_name).toBe(accountName);
    expect(jsonData.data.owner_id).toBe(user.id);
    expect(jsonData.auth_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('accounts.get: GET {{base_url}}/accounts/{{account_id}} with the saved X-Auth-Token → 200 with the account', async () => {
    const token = (await userAuthCreate()).body.auth_token as string;

    const res = await postman(app.http.get(`${BASE_URL}/accounts/${accountId}`)).set(
      'X-Auth-Token',
      token,
    );

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toMatchObject({
      status: 'success',
      auth_token: token,
      data: { id: accountId, name: accountName },
    });
  });
});
