/**
 * core.md §6: request bodies — parsing by Content-Type, the request envelope, invalid JSON,
 * size limits and unsupported media types — exercised on the things routes.
 */
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createThing,
  errorEnvelope,
  expectJsonHeaders,
  rawRequest,
  readStored,
  setupAccount,
  successEnvelope,
  thingsPath,
} from '../helpers/api';
import { buildThing } from '../helpers/factories';

const RFC2616 = "Section 14.17 (Try it, you'll like it)";
const UNKNOWN_ACCOUNT = '00000000000000000000000000000abc';

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

/** Body errors come before the token is read (core.md §1 step 3): whether it is echoed is open. */
const ANY_TOKEN = expect.any(String);

function invalidJson() {
  return { json: { invalid: { message: expect.any(String), target: 'body' } } };
}

function dataRequired() {
  return { data: { required: { message: 'Field is required but missing', value: 'data' } } };
}

function dataType(value: unknown) {
  return {
    data: {
      type: {
        message: 'Value did not match type(s): object, array',
        value,
        target: ['object', 'array'],
      },
    },
  };
}

function nameRequired() {
  return { name: { required: { message: 'Field is required but missing', value: 'name' } } };
}

describe('invalid JSON', () => {
  it('when the body is not valid JSON, then 400 json.invalid with the parser message', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send('{"data": {"name": ');

    expect(res.status).toBe(400);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', invalidJson(), ANY_TOKEN));
    expect((res.body.data.json.invalid.message as string).length).toBeGreaterThan(0);
  });

  it('when the body is not valid JSON and no token is sent, then still 400 (before authentication)', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('Content-Type', 'application/json')
      .send('not json at all');

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', invalidJson()));
  });

  it('when the body is not valid JSON on an unknown account, then 400 (before the account check)', async () => {
    const res = await app.http
      .post(thingsPath(UNKNOWN_ACCOUNT, 'x'))
      .set('Content-Type', 'application/json')
      .send('{bad');

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', invalidJson()));
  });

  it('when the body is not valid JSON and the token is bad, then 400 (body before token)', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', 'garbage')
      .set('Content-Type', 'application/json')
      .send('{bad');

    expect(res.status).toBe(400);
    expect(res.body.data).toEqual(invalidJson());
  });

  it('when a +json type carries invalid JSON, then it is parsed as JSON (400 json.invalid)', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/vnd.api+json')
      .send('{oops');

    expect(res.status).toBe(400);
    expect(res.body.data).toEqual(invalidJson());
  });
});

describe('request envelope', () => {
  it('when the body has no data, then 400 data.required', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ name: 'no envelope' });

    expect(res.status).toBe(400);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', dataRequired(), ANY_TOKEN));
  });

  it('when the body has no data and no token is sent, then 400 (before authentication)', async () => {
    const res = await app.http.put(thingsPath(accountId)).send({ name: 'x' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', dataRequired()));
  });

  it.each([
    ['a string', 'thing'],
    ['a number', 5],
    ['a boolean', true],
  ])('when data is %s, then 400 data.type', async (_label, value) => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: value });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', dataType(value), ANY_TOKEN));
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"x"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('when the JSON body is %s, then 400 data.required', async (_label, body) => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json')
      .send(body);

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', dataRequired(), ANY_TOKEN));
  });

  it('when other top-level keys are sent, then they are ignored', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'enveloped' }, accept_charges: true, extra: { x: 1 } });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, name: 'enveloped', stuff: [] });
  });

  it('when the body is empty on PUT, then it is {"data":{}} and gives 400 name.required', async () => {
    const res = await rawRequest(app, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: '',
    });

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', nameRequired(), token));
  });

  it('when the body is only whitespace on PUT, then it is {"data":{}} (400 name.required)', async () => {
    const res = await rawRequest(app, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: '  \n\t ',
    });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', nameRequired(), token));
  });
});

describe('request Content-Type', () => {
  it('when curl -d sends JSON as application/x-www-form-urlencoded, then it is parsed as JSON', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('{"data":{"name":"curled","stuff":["a"]}}');

    expect(res.status).toBe(201);
    expect(res.body).toEqual(
      successEnvelope(
        { id: res.body.data.id, name: 'curled', stuff: ['a'] },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
  });

  it('when a real form body name=x is sent, then each field is a value in data', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('name=formed&color=blue%20sky');

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({
      id: res.body.data.id,
      name: 'formed',
      color: 'blue sky',
      stuff: [],
    });
  });

  it('when a form field named data holds JSON, then it is decoded', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(`data=${encodeURIComponent('{"name":"from-field","stuff":["s"]}')}`);

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, name: 'from-field', stuff: ['s'] });
  });

  it('when a form body lacks name, then 400 name.required', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('color=red');

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', nameRequired(), token));
  });

  it('when a PUT has no Content-Type, then the body is parsed as JSON and X-RFC2616 is added', async () => {
    const res = await rawRequest(app, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token },
      body: '{"data":{"name":"untyped"}}',
    });

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-rfc2616']).toBe(RFC2616);
    const data = (res.body as { data: { id: string } }).data;
    expect(res.body).toEqual(
      successEnvelope(
        { id: data.id, name: 'untyped', stuff: [] },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
  });

  it('when a PATCH has no Content-Type, then it works and X-RFC2616 is added', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'patchable' });

    const res = await rawRequest(app, {
      method: 'PATCH',
      path: thingsPath(accountId, id),
      headers: { 'X-Auth-Token': token },
      body: '{"data":{"stuff":["x"]}}',
    });

    expect(res.status).toBe(200);
    expect(res.headers['x-rfc2616']).toBe(RFC2616);
    expect((res.body as { data: unknown }).data).toEqual({
      id,
      name: 'patchable',
      stuff: ['x'],
    });
  });

  it('when a PUT has a Content-Type, then no X-RFC2616 header', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: buildThing() });

    expect(res.status).toBe(201);
    expect(res.headers['x-rfc2616']).toBeUndefined();
  });

  it('when the JSON body starts with a UTF-8 BOM, then the BOM is skipped', async () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"data":{"name":"bommed é"}}', 'utf8'),
    ]);

    const res = await rawRequest(app, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body,
    });

    expect(res.status).toBe(201);
    const data = (res.body as { data: { id: string } }).data;
    expect(data).toEqual({ id: data.id, name: 'bommed é', stuff: [] });
  });

  it('when the type is application/json with a charset, then it is JSON', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json; charset=UTF-8')
      .send(JSON.stringify({ data: { name: 'charset' } }));

    expect(res.status).toBe(201);
    expect(res.body.data.name).toBe('charset');
  });

  it('when the type is application/x-json, then it is JSON', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/x-json')
      .send(JSON.stringify({ data: { name: 'x-json' } }));

    expect(res.status).toBe(201);
    expect(res.body.data.name).toBe('x-json');
  });

  it.each(['text/csv', 'text/plain', 'text/comma-separated-values', 'application/xml'])(
    'when a PUT is sent as %s, then 415 unsupported_media_type with the type as cause',
    async (type) => {
      const res = await app.http
        .put(thingsPath(accountId))
        .set('X-Auth-Token', token)
        .set('Content-Type', type)
        .send('{"data":{"name":"typed"}}');

      expect(res.status).toBe(415);
      expectJsonHeaders(res);
      expect(res.body).toEqual(
        errorEnvelope(
          415,
          'unsupported_media_type',
          { message: 'unsupported media type', cause: type },
          token,
        ),
      );
    },
  );

  it('when a multipart body has a JSON part, then that part is the envelope', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .attach('json', Buffer.from('{"data":{"name":"multipart","stuff":["m"]}}'), {
        filename: 'body.json',
        contentType: 'application/json',
      });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, name: 'multipart', stuff: ['m'] });
  });

  it('when a multipart body has only a file part, then the file is ignored (400 name.required)', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .attach('file', Buffer.from('GIF89a'), { filename: 'a.gif', contentType: 'image/gif' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', nameRequired(), token));
  });

  it('when a PUT is sent as image/png, then 415 (things take no binary)', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'image/png')
      .send(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    expect(res.status).toBe(415);
    expect(res.body).toEqual(
      errorEnvelope(
        415,
        'unsupported_media_type',
        { message: 'unsupported media type', cause: 'image/png' },
        token,
      ),
    );
  });

  it('when a PUT is sent as application/octet-stream, then 415 (things take no binary)', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('binary'));

    expect(res.status).toBe(415);
    expect(res.body).toEqual(
      errorEnvelope(
        415,
        'unsupported_media_type',
        { message: 'unsupported media type', cause: 'application/octet-stream' },
        token,
      ),
    );
  });

  it('when a POST is sent as text/plain with a charset, then 415 with the header as sent', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send('{"data":{"name":"typed"}}');

    expect(res.status).toBe(415);
    expect(res.body).toEqual(
      errorEnvelope(
        415,
        'unsupported_media_type',
        { message: 'unsupported media type', cause: 'text/plain; charset=utf-8' },
        token,
      ),
    );
  });

  it('when text/csv is sent without a token, then 401 (authentication before media type)', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('Content-Type', 'text/csv')
      .send('name\nx');

    expect(res.status).toBe(401);
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
  });

  it('when GET has Content-Type application/json and an empty body, then 200', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'zotonic' });

    const res = await rawRequest(app, {
      method: 'GET',
      path: thingsPath(accountId, id),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    });

    expect(res.status).toBe(200);
    expect((res.body as { data: unknown }).data).toEqual({ id, name: 'zotonic', stuff: [] });
  });

  it('when GET has Content-Type text/csv, then it is accepted (200)', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('Content-Type', 'text/csv');

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('success');
  });

  it('when DELETE has Content-Type application/json and an empty body, then 200', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'bye' });

    const res = await rawRequest(app, {
      method: 'DELETE',
      path: thingsPath(accountId, id),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json', 'Content-Length': 0 },
    });

    expect(res.status).toBe(200);
    expect((res.body as { data: unknown }).data).toEqual({
      id,
      name: 'bye',
      stuff: [],
      _read_only: { deleted: true },
    });
  });

  it('when DELETE carries {"data":{"should_soft_delete":false}}, then the thing is removed for good', async () => {
    const { id } = await createThing(app, token, accountId, { id: 'hard-delete-me', name: 'hd' });

    const res = await app.http
      .delete(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { should_soft_delete: false } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'hd', stuff: [], _read_only: { deleted: true } });
    expect(await readStored(accountId, id)).toBeUndefined();
    // A hard-deleted id can be created again; a soft-deleted one would conflict.
    const again = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { id, name: 'hd2' } });
    expect(again.status).toBe(201);
  });

  it('when DELETE carries should_soft_delete as a non-true string, then it hard-deletes', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .delete(thingsPath(accountId, id))
      .query({ should_soft_delete: 'no' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(await readStored(accountId, id)).toBeUndefined();
  });

  it('when DELETE carries should_soft_delete=TRUE, then it soft-deletes', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .delete(thingsPath(accountId, id))
      .query({ should_soft_delete: 'TRUE' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(await readStored(accountId, id)).toMatchObject({ pvt_deleted: true });
  });

  it('when DELETE carries a ui_metadata body, then 200 (the body is parsed)', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .delete(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { ui_metadata: { ui: 'monster-ui', version: '4.3' } } });

    expect(res.status).toBe(200);
    expect(res.body.data._read_only).toEqual({ deleted: true });
  });
});

describe('body size limit', () => {
  let small: TestApp;
  const LIMIT = 1000;
  const tooLarge = () =>
    errorEnvelope(413, 'validation error', {
      file: {
        maxSize: {
          message: `Payload or Files must not be more than ${LIMIT} bytes`,
          target: LIMIT,
        },
      },
    });

  function jsonOfLength(length: number): string {
    const empty = JSON.stringify({ data: { name: 'big', pad: '' } });
    return JSON.stringify({ data: { name: 'big', pad: 'p'.repeat(length - empty.length) } });
  }

  beforeAll(async () => {
    small = await startTestApp({ CROSSBAR_MAX_UPLOAD_BYTES: String(LIMIT) });
  });

  afterAll(async () => {
    await small.close();
  });

  it('when Content-Length is over the limit, then 413 with file.maxSize', async () => {
    const body = jsonOfLength(2000);
    expect(Buffer.byteLength(body)).toBe(2000);

    const res = await rawRequest(small, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body,
    });

    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body).toEqual({ ...tooLarge(), auth_token: ANY_TOKEN });
  });

  it('when a chunked body grows over the limit, then 413 with file.maxSize', async () => {
    const body = jsonOfLength(2000);

    const res = await rawRequest(small, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      chunks: [body.slice(0, 700), body.slice(700, 1400), body.slice(1400)],
    });

    expect(res.status).toBe(413);
    expect(res.body).toEqual({ ...tooLarge(), auth_token: ANY_TOKEN });
  });

  it('when the body is over the limit and no token is sent, then 413 (before authentication)', async () => {
    const res = await rawRequest(small, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'Content-Type': 'application/json' },
      body: jsonOfLength(2000),
    });

    expect(res.status).toBe(413);
    expect(res.body).toEqual(tooLarge());
  });

  it('when the body is exactly at the limit, then it is accepted (201)', async () => {
    const body = jsonOfLength(LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);

    const res = await rawRequest(small, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body,
    });

    expect(res.status).toBe(201);
    expect((res.body as { data: { name: string } }).data.name).toBe('big');
  });

  it('when a chunked body stays within the limit, then it is accepted (201)', async () => {
    const body = jsonOfLength(900);

    const res = await rawRequest(small, {
      method: 'PUT',
      path: thingsPath(accountId),
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      chunks: [body.slice(0, 450), body.slice(450)],
    });

    expect(res.status).toBe(201);
  });
});
