/**
 * clients.md §10: KAZOO's own black-box suites, `2600hz/kazoo` `core/kazoo_proper/src/pqc_cb_*.erl`
 * (`pqc_cb_api` headers and response checks, `pqc_cb_accounts` create/duplicate/update). The
 * `pqc_cb_lists_v2` sequence is in `lists-clients.test.ts`.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import { apiKeyToken, loginAsAdmin, uniqueName } from '../../helpers/api';
import { errorCode } from '../../helpers/clients';

const REALM_SUFFIX = 'sip.2600hz.com';

let app: TestApp;
let masterId: string;
/** `pqc_cb_api:init_api`: an api_auth token of the master account. */
let apiToken: string;

beforeAll(async () => {
  app = await startTestApp();
  masterId = app.deps.masterAccountId;
  apiToken = await apiKeyToken(app, await loginAsAdmin(app), masterId);
});

afterAll(async () => {
  await app.close();
});

/** `pqc_cb_api:request_headers/1`: token, `<test>-<ms>` request id, JSON both ways. */
function pqcHeaders(test: string): Record<string, string> {
  return {
    'X-Auth-Token': apiToken,
    'X-Request-ID': `${test}-${Date.now()}`,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
}

function pqc(method: 'get' | 'put' | 'post' | 'patch', path: string, test: string) {
  const headers = pqcHeaders(test);
  return { req: app.http[method](path).set(headers), requestId: headers['X-Request-ID']! };
}

describe('KAZOO PQC suites (core/kazoo_proper pqc_cb_api, pqc_cb_accounts)', () => {
  it('pqc_cb_api:request_headers sends X-Request-ID "<test>-<ms>": echoed in the header and the body', async () => {
    const { req, requestId } = pqc('get', `/v2/accounts/${masterId}`, 'pqc_cb_accounts');

    const res = await req;

    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe(requestId);
    expect(res.body.request_id).toBe(requestId);
  });

  it('pqc_cb_accounts:create_account by the master’s api_auth token: PUT → 201, content-type "application/json" as a whole string, fields of accounts-auth §3.1', async () => {
    const name = uniqueName('pqc_cb_accounts');
    const { req, requestId } = pqc('put', `/v2/accounts/${masterId}`, 'pqc_cb_accounts');

    const res = await req.send(JSON.stringify({ data: { name } }));

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-request-id']).toBe(requestId);
    expect(res.body.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name,
      realm: expect.stringMatching(/^[0-9a-f]{6}\.sip\.2600hz\.com$/),
      enabled: true,
      created: expect.any(Number),
      superduper_admin: false,
      wnm_allow_additions: false,
      is_reseller: false,
      reseller_id: masterId,
      billing_mode: 'limits_only',
    });
    expect(res.body.data.realm).toContain(REALM_SUFFIX);
    expect(Number.isInteger(res.body.data.created)).toBe(true);
  });

  it('pqc_cb_accounts:create_account with a name already in use → an error whose "error" parses to the integer 400 (DECISION 6)', async () => {
    const name = uniqueName('pqc_dup');
    const first = await pqc('put', `/v2/accounts/${masterId}`, 'pqc_dup').req.send(
      JSON.stringify({ data: { name } }),
    );

    const second = await pqc('put', `/v2/accounts/${masterId}`, 'pqc_dup').req.send(
      JSON.stringify({ data: { name } }),
    );

    expect(first.status).toBe(201);
    expect(second.status).toBe(400);
    expect(second.headers['content-type']).toBe('application/json');
    expect(errorCode(second.body)).toBe(400);
    expect(second.body).toMatchObject({
      status: 'error',
      error: '400',
      message: 'validation error',
      data: { name: { unique: { message: 'Account name already in use', cause: name } } },
    });
  });

  it('POSTs the create response’s data back four times → 200 each, content-type whole, revision changing each time', async () => {
    const created = await pqc('put', `/v2/accounts/${masterId}`, 'pqc_update').req.send(
      JSON.stringify({ data: { name: uniqueName('pqc_update') } }),
    );
    const accountId = created.body.data.id as string;
    const revisions = [created.body.revision as string];
    const statuses: number[] = [];
    const types: unknown[] = [];

    for (let i = 0; i < 4; i += 1) {
      const res = await pqc('post', `/v2/accounts/${accountId}`, 'pqc_update').req.send(
        JSON.stringify({ data: created.body.data }),
      );
      statuses.push(res.status);
      types.push(res.headers['content-type']);
      revisions.push(res.body.revision as string);
    }

    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(types).toEqual(Array(4).fill('application/json'));
    expect(new Set(revisions).size).toBe(5);
  });

  it('PATCH responses carry content-type "application/json" as a whole string', async () => {
    const created = await pqc('put', `/v2/accounts/${masterId}`, 'pqc_patch').req.send(
      JSON.stringify({ data: { name: uniqueName('pqc_patch') } }),
    );

    const res = await pqc('patch', `/v2/accounts/${created.body.data.id}`, 'pqc_patch').req.send(
      JSON.stringify({ data: { custom: 'value' } }),
    );

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.data.custom).toBe('value');
  });

  it('pqc_cb_response:error_code reads "error" as an integer: a 404 parses to 404, equal to the HTTP status', async () => {
    const res = await pqc('get', `/v2/accounts/${'9'.repeat(32)}`, 'pqc_error').req;

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(typeof res.body.error).toBe('string');
    expect(errorCode(res.body)).toBe(404);
  });
});
