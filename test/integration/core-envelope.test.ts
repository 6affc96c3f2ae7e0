/**
 * core.md §2, §3, §12, §13.2: the success and error envelopes, response headers, request ids,
 * routing details and pretty printing, exercised through the things routes.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createThing,
  errorEnvelope,
  expectCorsHeaders,
  expectJsonHeaders,
  rawRequest,
  readStored,
  setupAccount,
  successEnvelope,
  thingsPath,
} from '../helpers/api';
import { buildThing } from '../helpers/factories';

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

const NODE = createHash('md5').update(hostname()).digest('base64url');

describe('success envelope (GET /v2/accounts/:accountId/things/:thingId)', () => {
  it('when a thing is fetched, then the envelope has exactly data, status, request_id, auth_token, revision, timestamp, version and node', async () => {
    const { id, rev } = await createThing(app, token, accountId, { name: 'enveloped' });

    const res = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object).sort()).toEqual(
      [
        'auth_token',
        'data',
        'node',
        'request_id',
        'revision',
        'status',
        'timestamp',
        'version',
      ].sort(),
    );
    expect(res.body).toEqual({
      data: { id, name: 'enveloped', stuff: [] },
      status: 'success',
      request_id: res.headers['x-request-id'],
      auth_token: token,
      revision: rev,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      version: '4.3.0',
      node: NODE,
    });
  });

  it('when a response is sent, then timestamp is the current UTC second', async () => {
    const before = Math.floor(Date.now() / 1000);

    const res = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', token);

    const after = Math.ceil(Date.now() / 1000);
    const sent = Date.parse(res.body.timestamp as string) / 1000;
    expect(sent).toBeGreaterThanOrEqual(before);
    expect(sent).toBeLessThanOrEqual(after);
  });

  it('when two responses are sent, then node is the same base64url md5 of the host name', async () => {
    const first = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', token);
    const second = await app.http.get('/v2/nosuch').set('X-Auth-Token', token);

    expect(first.body.node).toBe(NODE);
    expect(second.body.node).toBe(NODE);
    expect(NODE).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('when the response is compact by default, then the body is JSON without indentation', async () => {
    const res = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.text).toBe(JSON.stringify(res.body));
  });
});

describe('error envelope', () => {
  it('when an error is answered, then it has exactly status, error (a string), message, data, auth_token, request_id, node, version, timestamp', async () => {
    const res = await app.http.get(thingsPath(accountId, 'missing')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(Object.keys(res.body as object).sort()).toEqual(
      [
        'auth_token',
        'data',
        'error',
        'message',
        'node',
        'request_id',
        'status',
        'timestamp',
        'version',
      ].sort(),
    );
    expect(res.body).toEqual({
      ...errorEnvelope(
        404,
        'bad_identifier',
        { cause: 'missing', message: 'bad identifier' },
        token,
      ),
      request_id: res.headers['x-request-id'],
      node: NODE,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
  });

  it('when no token was sent, then auth_token is the string "undefined"', async () => {
    const res = await app.http.get(thingsPath(accountId));

    expect(res.status).toBe(401);
    expect(res.body.auth_token).toBe('undefined');
    expect(res.body.error).toBe('401');
  });
});

describe('Content-Type of responses', () => {
  it('when a thing is created, then Content-Type is exactly application/json', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: buildThing() });

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
  });

  it.each([
    ['400', 'put', (): string => thingsPath(accountId), 400],
    ['401', 'get', (): string => thingsPath(accountId), 401],
    ['404', 'get', (): string => '/nowhere', 404],
    ['405', 'delete', (): string => thingsPath(accountId), 405],
  ] as const)(
    'when the answer is an error %s, then Content-Type is exactly application/json',
    async (_label, method, path, status) => {
      const req = app.http[method](path());
      if (status !== 401) req.set('X-Auth-Token', token);
      const res = await req.send({ data: {} });

      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toBe('application/json');
    },
  );
});

describe('X-Request-ID', () => {
  it('when the client sends one, then it is echoed in the header and in request_id', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('X-Request-ID', 'client-req.42:abc');

    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('client-req.42:abc');
    expect(res.body.request_id).toBe('client-req.42:abc');
  });

  it('when the client sends one on an error, then it is echoed there too', async () => {
    const res = await app.http.get(thingsPath(accountId)).set('X-Request-ID', 'err-id-1');

    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toBe('err-id-1');
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
    expect(res.body.request_id).toBe('err-id-1');
  });

  it('when the client sends none, then a new 32-char lowercase hex id is used in header and body', async () => {
    const res = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  it('when two requests send none, then their ids differ', async () => {
    const first = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', token);
    const second = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', token);

    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('when the client value is longer than 128 characters, then a new id is generated', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('X-Request-ID', 'a'.repeat(129));

    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  it('when the client value has 128 characters, then it is echoed', async () => {
    const id = 'b'.repeat(128);
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('X-Request-ID', id);

    expect(res.headers['x-request-id']).toBe(id);
    expect(res.body.request_id).toBe(id);
  });

  it('when the thing is saved, then its pvt_request_id is the request id', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('X-Request-ID', 'saved-by-this-request')
      .send({ data: buildThing() });

    expect(res.status).toBe(201);
    const stored = await readStored(accountId, res.body.data.id as string);
    expect(stored?.pvt_request_id).toBe('saved-by-this-request');
  });
});

describe('pretty printing', () => {
  it('when X-Pretty-Print: true is sent, then the JSON is indented by 2 spaces', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('X-Pretty-Print', 'true');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe(JSON.stringify(res.body, null, 2));
  });

  it('when pretty_print=true is in the query, then the JSON is indented by 2 spaces', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .get(thingsPath(accountId, id))
      .query({ pretty_print: 'true' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.text).toBe(JSON.stringify(res.body, null, 2));
  });

  it('when pretty_print is in data, then the JSON is indented by 2 spaces', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: buildThing({ pretty_print: true }) });

    expect(res.status).toBe(201);
    expect(res.text).toBe(JSON.stringify(res.body, null, 2));
    // Option keys in data other than verb and auth_token are stored, as 4.3 does.
    expect(res.body.data.pretty_print).toBe(true);
  });

  it('when pretty_print=TRUE (any case), then the JSON is indented', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .query({ pretty_print: 'TRUE' })
      .set('X-Auth-Token', token);

    expect(res.text).toBe(JSON.stringify(res.body, null, 2));
  });

  it('when X-Pretty-Print: true is sent and the answer is an error, then the error JSON is indented', async () => {
    const res = await app.http
      .get(thingsPath(accountId, 'missing'))
      .set('X-Auth-Token', token)
      .set('X-Pretty-Print', 'true');

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.text).toBe(JSON.stringify(res.body, null, 2));
  });

  it('when pretty_print=yes, then the JSON stays compact', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .query({ pretty_print: 'yes' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.text).toBe(JSON.stringify(res.body));
  });
});

describe('routing', () => {
  it('when GET /, then 200 with a text/plain banner naming the service', async () => {
    const res = await rawRequest(app, { method: 'GET', path: '/' });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/crossbar/i);
  });

  it.each(['/nowhere', '/api/v2/things', '/v3/accounts', '/v22/things'])(
    'when the path %s is not under /v1 or /v2, then 404 not_found envelope with CORS headers',
    async (path) => {
      const res = await app.http.get(path);

      expect(res.status).toBe(404);
      expectJsonHeaders(res);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }));
    },
  );

  it('when a /v1/ path other than the auth routes is asked, then 404 not_found', async () => {
    const res = await app.http.get(`/v1/accounts/${accountId}/things`).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, token));
  });

  it('when /v1/things is asked, then 404 not_found', async () => {
    const res = await app.http.get('/v1/things').set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, token));
  });

  it('when the path has a trailing slash, then it is ignored', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'slashed' });

    const res = await app.http.get(`${thingsPath(accountId, id)}/`).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'slashed', stuff: [] });
  });

  it('when the path has repeated trailing slashes, then they are ignored', async () => {
    const res = await app.http.get(`${thingsPath(accountId)}///`).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(expect.any(Array), {
        auth_token: token,
        page_size: res.body.data.length,
        revision: expect.any(String),
      }),
    );
  });

  it('when a thing is created on a path with a trailing slash, then Location has no double slash', async () => {
    const res = await app.http
      .put(`${thingsPath(accountId)}//`)
      .set('X-Auth-Token', token)
      .send({ data: buildThing() });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v2/accounts/${accountId}/things/${res.body.data.id}`);
  });

  it('when path segments are URI-encoded, then they are decoded before use', async () => {
    const { id } = await createThing(app, token, accountId, { id: 'enc-thing', name: 'enc' });

    const res = await app.http
      .get(`/v2/accounts/${accountId}/things/${encodeURIComponent(id).replace('-', '%2D')}`)
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: 'enc-thing', name: 'enc', stuff: [] });
  });

  it('when the id differs only in case, then 404 (ids are case-sensitive)', async () => {
    await createThing(app, token, accountId, { id: 'CaseThing', name: 'case' });

    const res = await app.http.get(thingsPath(accountId, 'casething')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(
        404,
        'bad_identifier',
        { cause: 'casething', message: 'bad identifier' },
        token,
      ),
    );
  });

  it('when ?_=123 is sent, then it is ignored', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'cached' });

    const res = await app.http
      .get(thingsPath(accountId, id))
      .query({ _: '123' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'cached', stuff: [] });
  });

  it('when ?_=… is sent on a listing, then the same rows as without it', async () => {
    const plain = await app.http
      .get(thingsPath(accountId))
      .query({ paginate: 'false' })
      .set('X-Auth-Token', token);

    const res = await app.http
      .get(thingsPath(accountId))
      .query({ paginate: 'false', _: '1700000000000' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(plain.body.data);
    expect((res.body.data as unknown[]).length).toBeGreaterThan(0);
  });

  it('when the method is not allowed on the path, then 405 with Allow', async () => {
    const res = await app.http.delete(thingsPath(accountId)).set('X-Auth-Token', token);

    expect(res.status).toBe(405);
    expectJsonHeaders(res);
    expect(res.headers.allow).toBe('GET, HEAD, PUT');
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
    );
  });

  it.each(['PROPFIND', 'LINK', 'TRACE'])(
    'when the method is %s, then 501 not_implemented with the envelope and CORS headers',
    async (method) => {
      const res = await rawRequest(app, { method, path: thingsPath(accountId) });

      expect(res.status).toBe(501);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.body).toEqual(
        errorEnvelope(501, 'not_implemented', { message: 'not implemented' }),
      );
    },
  );

  it('when the method is PROPFIND on a path outside /v2, then 501 not_implemented', async () => {
    const res = await rawRequest(app, { method: 'PROPFIND', path: '/elsewhere' });

    expect(res.status).toBe(501);
    expect(res.body).toEqual(errorEnvelope(501, 'not_implemented', { message: 'not implemented' }));
  });
});

describe('HEAD', () => {
  it('when HEAD is sent on an error path, then the error status and headers without a body', async () => {
    const res = await app.http.head(thingsPath(accountId));

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
    expect(res.text).toBeUndefined();
  });
});
