/**
 * clients.md §5: `2600hz/kazoo` `scripts/export_auth_token.bash` — `curl -s -X PUT … -d '{"data":…}'`
 * with no Content-Type of its own (curl then sends `application/x-www-form-urlencoded`); the script
 * accepts only `.status == "success"` from a JSON body and prints `.data.account_id` and `.auth_token`.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  createAccount,
  errorEnvelope,
  loginAsAdmin,
  rawRequest,
  type RawResponse,
} from '../../helpers/api';
import { createLoginUser, fetchAccount, fetchApiKey, type LoginUser } from '../../helpers/clients';

let app: TestApp;
let accountId: string;
let accountName: string;
let accountRealm: string;
let apiKey: string;
let user: LoginUser;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await loginAsAdmin(app);
  accountId = await createAccount(app, admin, app.deps.masterAccountId);
  ({ name: accountName, realm: accountRealm } = await fetchAccount(app, admin, accountId));
  apiKey = await fetchApiKey(app, admin, accountId);
  user = await createLoginUser(app, admin, accountId);
});

afterAll(async () => {
  await app.close();
});

/** What `curl -s -X PUT <url> -d '<json>'` puts on the wire. */
function curl(
  path: string,
  json: string,
  contentType: string | null = 'application/x-www-form-urlencoded',
) {
  return rawRequest(app, {
    method: 'PUT',
    path,
    headers: {
      'User-Agent': 'curl/8.5.0',
      Accept: '*/*',
      ...(contentType === null ? {} : { 'Content-Type': contentType }),
    },
    body: json,
  });
}

/** The script's test: a 2xx, JSON (before any `;`), `.status == "success"`; then its two exports. */
function exportsOf(res: RawResponse): { ACCOUNT_ID: unknown; AUTH_TOKEN: unknown } {
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(300);
  expect(String(res.headers['content-type']).split(';')[0]).toBe('application/json');
  const body = res.body as { status: string; data: { account_id: unknown }; auth_token: unknown };
  expect(body.status).toBe('success');
  return { ACCOUNT_ID: body.data.account_id, AUTH_TOKEN: body.auth_token };
}

describe('KAZOO export_auth_token.bash (curl -d, no Content-Type of its own)', () => {
  it('-k: PUTs /v2/api_auth {"data":{"api_key":K}} as x-www-form-urlencoded, parsed as JSON → exports ACCOUNT_ID and AUTH_TOKEN', async () => {
    const res = await curl('/v2/api_auth', `{"data":{"api_key":"${apiKey}"}}`);

    expect(res.status).toBe(201);
    expect(exportsOf(res)).toEqual({ ACCOUNT_ID: accountId, AUTH_TOKEN: expect.any(String) });
  });

  it('-a: PUTs /v2/user_auth {"data":{"credentials":MD5, "account_name":N}} → exports ACCOUNT_ID and AUTH_TOKEN', async () => {
    const res = await curl(
      '/v2/user_auth',
      `{"data":{"credentials":"${user.credentials}", "account_name":"${accountName}"}}`,
    );

    expect(res.status).toBe(201);
    expect(exportsOf(res)).toEqual({ ACCOUNT_ID: accountId, AUTH_TOKEN: expect.any(String) });
  });

  it('-r: PUTs /v2/user_auth with "account_realm" (upper-cased by the operator) → exports ACCOUNT_ID and AUTH_TOKEN', async () => {
    const res = await curl(
      '/v2/user_auth',
      `{"data":{"credentials":"${user.credentials}", "account_realm":"${accountRealm.toUpperCase()}"}}`,
    );

    expect(res.status).toBe(201);
    expect(exportsOf(res)).toEqual({ ACCOUNT_ID: accountId, AUTH_TOKEN: expect.any(String) });
  });

  it('-p: PUTs /v2/user_auth with "phone_number" (no number store here) → 401 JSON with status "error", which the script echoes', async () => {
    const res = await curl(
      '/v2/user_auth',
      `{"data":{"credentials":"${user.credentials}", "phone_number":"+14158867900"}}`,
    );

    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
  });

  it('-k with an unknown 64-char key → 404 JSON with status "error" and the key in data', async () => {
    const unknownKey = 'ab'.repeat(32);

    const res = await curl('/v2/api_auth', `{"data":{"api_key":"${unknownKey}"}}`);

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(errorEnvelope(404, 'bad identifier', [unknownKey]));
  });

  it('with -H "Content-Type:" (no Content-Type at all) the body still parses as JSON, and X-RFC2616 is answered', async () => {
    const res = await curl('/v2/api_auth', `{"data":{"api_key":"${apiKey}"}}`, null);

    expect(res.status).toBe(201);
    expect(exportsOf(res)).toEqual({ ACCOUNT_ID: accountId, AUTH_TOKEN: expect.any(String) });
    expect(res.headers['x-rfc2616']).toBe("Section 14.17 (Try it, you'll like it)");
  });
});
