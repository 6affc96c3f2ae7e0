/**
 * core.md §3.1: CORS preflight and CORS headers, exercised on the things routes.
 */
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createThing,
  errorEnvelope,
  expectCorsHeaders,
  expectJsonHeaders,
  rawRequest,
  setupAccount,
  thingsPath,
} from '../helpers/api';
import { buildThing } from '../helpers/factories';

const ORIGIN = 'https://monster.example.com';
const UNKNOWN_ACCOUNT = '0123456789abcdef0123456789abcdef';

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

describe('OPTIONS /v2/accounts/:accountId/things (preflight)', () => {
  it('when Origin is sent without a token, then 200, empty body and the five CORS headers', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId),
      headers: { Origin: ORIGIN, 'Access-Control-Request-Headers': 'x-auth-token, content-type' },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('when Access-Control-Request-Method names a method not listed, then it is appended', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId),
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PATCH' },
    });

    expect(res.status).toBe(200);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT, PATCH');
  });

  it('when Access-Control-Request-Method names a listed method, then it is not repeated', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId),
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT' },
    });

    expect(res.status).toBe(200);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
  });

  it('when only Access-Control-Request-Method is sent (no Origin), then it is a preflight too', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId),
      headers: { 'Access-Control-Request-Method': 'GET' },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
  });

  it('when the preflight carries a broken JSON body, then the body is not parsed (200)', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId),
      headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
      body: '{"data":',
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('when the preflight carries a bad token, then it is not checked (200)', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId),
      headers: { Origin: ORIGIN, 'X-Auth-Token': 'garbage' },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('when the account is unknown, then still 200 (no 404 for unknown ids)', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(UNKNOWN_ACCOUNT),
      headers: { Origin: ORIGIN },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
  });
});

describe('OPTIONS /v2/accounts/:accountId/things/:thingId (preflight)', () => {
  it('when the thing is unknown, then 200 with the methods of a thing path', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId, 'not-a-thing'),
      headers: { Origin: ORIGIN },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, POST, PATCH, DELETE');
  });

  it('when the path is /stuff, then 200 with OPTIONS, POST', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId, 'some-thing', 'stuff'),
      headers: { Origin: ORIGIN },
    });

    expect(res.status).toBe(200);
    expectCorsHeaders(res.headers, 'OPTIONS, POST');
  });

  it('when the path does not route, then 404 not_found with CORS headers', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId, 'some-thing', 'nosuch'),
      headers: { Origin: ORIGIN },
    });

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-max-age']).toBe('86400');
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }));
  });

  it('when the path is outside /v2, then 404 not_found with CORS headers', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: '/nowhere/at/all',
      headers: { Origin: ORIGIN },
    });

    expect(res.status).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }));
  });
});

describe('OPTIONS without CORS headers', () => {
  it('when OPTIONS has no Origin nor Access-Control-Request-*, then 405 invalid_method with Allow', async () => {
    const res = await rawRequest(app, {
      method: 'OPTIONS',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token },
    });

    expect(res.status).toBe(405);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers.allow).toBe('GET, HEAD, PUT');
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
    );
  });
});

describe('CORS headers on actual requests', () => {
  it('when GET of a listing has an Origin, then the response carries the CORS headers', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Origin', ORIGIN);

    expect(res.status).toBe(200);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
  });

  it('when PUT creates with an Origin, then the response carries the CORS headers', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Origin', ORIGIN)
      .send({ data: buildThing() });

    expect(res.status).toBe(201);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
  });

  it('when a thing is fetched with an Origin, then the methods are those of a thing path', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .get(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('Origin', ORIGIN);

    expect(res.status).toBe(200);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, POST, PATCH, DELETE');
  });

  it('when a POST tunnels an allowed PUT from an Origin, then Access-Control-Allow-Methods includes POST', async () => {
    const res = await app.http
      .post(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Origin', ORIGIN)
      .send({ data: buildThing(), verb: 'PUT' });

    expect(res.status).toBe(201);
    const methods = String(res.headers['access-control-allow-methods']).split(', ');
    expect(methods).toEqual(expect.arrayContaining(['OPTIONS', 'GET', 'HEAD', 'PUT', 'POST']));
  });

  it('when a 401 is answered without Origin, then the CORS headers are present anyway', async () => {
    const res = await app.http.get(thingsPath(accountId));

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
  });

  it('when a 400 is answered without Origin, then the CORS headers are present', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: {} });

    expect(res.status).toBe(400);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, PUT');
  });

  it('when a 404 for an unknown thing is answered without Origin, then the CORS headers are present', async () => {
    const res = await app.http.get(thingsPath(accountId, 'gone')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectCorsHeaders(res.headers, 'OPTIONS, GET, HEAD, POST, PATCH, DELETE');
  });

  it('when a 404 for an unknown path is answered without Origin, then the CORS headers are present', async () => {
    const res = await app.http.get('/v2/nosuch').set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toEqual(expect.any(String));
    expect(res.headers['access-control-expose-headers']).toEqual(expect.any(String));
    expect(res.headers['access-control-max-age']).toBe('86400');
  });

  it('when a 405 is answered without Origin, then the CORS headers are present', async () => {
    const res = await app.http.get(thingsPath(accountId, 'x', 'stuff')).set('X-Auth-Token', token);

    expect(res.status).toBe(405);
    expectCorsHeaders(res.headers, 'OPTIONS, POST');
  });

  it('when a 501 is answered without Origin, then the CORS headers are present', async () => {
    const res = await rawRequest(app, { method: 'PROPFIND', path: thingsPath(accountId) });

    expect(res.status).toBe(501);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-max-age']).toBe('86400');
  });

  it('when X-Kazoo-Cluster-ID is sent, then it is accepted and ignored', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('X-Kazoo-Cluster-ID', 'cluster-7');

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('success');
  });
});
