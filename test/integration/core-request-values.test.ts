/**
 * core.md §6.4, §7, §8: request values (data → query → envelope), token transport and verb
 * tunnelling, exercised on the things routes.
 */
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createThing,
  errorEnvelope,
  expectJsonHeaders,
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

describe('token transport', () => {
  it('when auth_token is in the query string, then it authenticates and is echoed', async () => {
    const res = await app.http.get(thingsPath(accountId)).query({ auth_token: token });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(expect.any(Array), {
        auth_token: token,
        page_size: res.body.data.length,
        revision: expect.any(String),
      }),
    );
  });

  it('when auth_token is in data, then it authenticates and is neither stored nor returned', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .send({ data: { name: 'carried', auth_token: token } });

    expect(res.status).toBe(201);
    const id = res.body.data.id as string;
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'carried', stuff: [] },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
    expect(await readStored(accountId, id)).not.toHaveProperty('auth_token');
  });

  it('when auth_token is at the envelope top level, then it authenticates', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .send({ data: { name: 'top-level' }, auth_token: token });

    expect(res.status).toBe(201);
    expect(res.body.auth_token).toBe(token);
    expect(res.body.data).toEqual({ id: res.body.data.id, name: 'top-level', stuff: [] });
  });

  it('when Authorization: Bearer is sent, then it authenticates and is echoed', async () => {
    const res = await app.http.get(thingsPath(accountId)).set('Authorization', `Bearer ${token}`);

    expect(res.status).toBe(200);
    expect(res.body.auth_token).toBe(token);
    expect(res.body.status).toBe('success');
  });

  it('when X-Auth-Token is "undefined" and the query has a token, then the query token is used', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .query({ auth_token: token })
      .set('X-Auth-Token', 'undefined');

    expect(res.status).toBe(200);
    expect(res.body.auth_token).toBe(token);
  });

  it('when X-Auth-Token is valid and the query token is garbage, then the header wins', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .query({ auth_token: 'garbage' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.auth_token).toBe(token);
  });

  it('when the data token is garbage and the query token valid, then data wins (401)', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .query({ auth_token: token })
      .send({ data: { name: 'x', auth_token: 'garbage' } });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'garbage'));
  });

  it('when the query token is garbage and Bearer is valid, then the query wins (401)', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .query({ auth_token: 'garbage' })
      .set('Authorization', `Bearer ${token}`);

    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorEnvelope(401, 'invalid credentials', {}, 'garbage'));
  });
});

describe('verb tunnelling', () => {
  it('when POST carries {"verb":"PATCH"} at the envelope top level, then it is a merge', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'tunnel', custom: 'kept' });

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { stuff: ['x'] }, verb: 'PATCH' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'tunnel', custom: 'kept', stuff: ['x'] },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
  });

  it('when POST carries verb "patch" in lower case, then it is upper-cased (merge)', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'lower', custom: 1 });

    const res = await app.http
      .post(thingsPath(accountId, id))
      .query({ verb: 'patch' })
      .set('X-Auth-Token', token)
      .send({ data: { stuff: ['y'] } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'lower', custom: 1, stuff: ['y'] });
  });

  it('when verb is inside data, then it tunnels and is not stored', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'in-data', custom: 2 });

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { stuff: ['z'], verb: 'PATCH' } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'in-data', custom: 2, stuff: ['z'] });
    expect(await readStored(accountId, id)).not.toHaveProperty('verb');
  });

  it('when POST ?verb=DELETE is sent, then the thing is deleted', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'doomed' });

    const res = await app.http
      .post(thingsPath(accountId, id))
      .query({ verb: 'DELETE' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'doomed', stuff: [], _read_only: { deleted: true } },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.status).toBe(404);
  });

  it('when POST on the collection carries {"data":…,"verb":"PUT"} (crossbar-nodejs), then 201 created', async () => {
    const res = await app.http
      .post(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'nodejs' }, verb: 'PUT' });

    expect(res.status).toBe(201);
    const id = res.body.data.id as string;
    expect(res.headers.location).toBe(`/v2/accounts/${accountId}/things/${id}`);
    expect(res.body.data).toEqual({ id, name: 'nodejs', stuff: [] });
  });

  it('when GET ?verb=DELETE is sent, then the thing is returned and NOT deleted', async () => {
    const { id, rev } = await createThing(app, token, accountId, { name: 'safe' });

    const res = await app.http
      .get(thingsPath(accountId, id))
      .query({ verb: 'DELETE' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope({ id, name: 'safe', stuff: [] }, { auth_token: token, revision: rev }),
    );
    const again = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(again.status).toBe(200);
    expect(again.body.revision).toBe(rev);
  });

  it('when PUT carries verb DELETE, then it is ignored and the thing is created', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'put-anyway' }, verb: 'DELETE' });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, name: 'put-anyway', stuff: [] });
  });

  it('when PATCH carries verb DELETE, then it is ignored and the thing is merged', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'patched' });

    const res = await app.http
      .patch(thingsPath(accountId, id))
      .query({ verb: 'DELETE' })
      .set('X-Auth-Token', token)
      .send({ data: { stuff: ['p'] } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'patched', stuff: ['p'] });
  });

  it('when DELETE carries verb=DELETE (the same verb), then it deletes as usual', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'same-verb' });

    const res = await app.http
      .delete(thingsPath(accountId, id))
      .query({ verb: 'DELETE' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data._read_only).toEqual({ deleted: true });
  });

  it('when POST tunnels a verb the path does not allow, then 405 with Allow', async () => {
    const res = await app.http
      .post(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: {}, verb: 'DELETE' });

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, PUT');
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
    );
  });

  it('when X-HTTP-Method-Override: DELETE is sent on POST, then it is not honoured (replace)', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'override' });

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('X-HTTP-Method-Override', 'DELETE')
      .send({ data: { name: 'replaced' } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'replaced', stuff: [] });
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.status).toBe(200);
  });
});

describe('request value order', () => {
  it('when page_size is in the query and in the envelope, then the query wins', async () => {
    await Promise.all([1, 2, 3].map(() => createThing(app, token, accountId, buildThing())));

    const res = await app.http
      .get(thingsPath(accountId))
      .query({ page_size: '2' })
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send({ data: {}, page_size: 1 });

    expect(res.status).toBe(200);
    expect(res.body.page_size).toBe(2);
  });

  it('when page_size is in data and in the query, then data wins', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .query({ page_size: '2' })
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send({ data: { page_size: 1 } });

    expect(res.status).toBe(200);
    expect(res.body.page_size).toBe(1);
  });
});
