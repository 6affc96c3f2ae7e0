/**
 * The Things module (spec things.md, the Things sample API doc) over HTTP, against the real app
 * and the test CouchDB: every endpoint, the schema, the document rules, pagination and filters.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createAccount,
  createThing,
  errorEnvelope,
  expectJsonHeaders,
  gregorianSeconds,
  listingRevision,
  rawRequest,
  readStored,
  setupAccount,
  storedDocs,
  successEnvelope,
  thingsPath,
} from '../helpers/api';
import { buildThing } from '../helpers/factories';

const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$';
const EXPIRES = 'Fri, 01 Jan 1999 00:00:00 GMT';

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

function nameRequired() {
  return { name: { required: { message: 'Field is required but missing', value: 'name' } } };
}

/** Every `id` of a summary listing, following `next_start_key` to the end. */
async function walkListing(
  account: string,
  query: Record<string, string>,
): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let startKey: string | undefined;
  for (let i = 0; i < 20; i += 1) {
    const res = await app.http
      .get(thingsPath(account))
      .query({ ...query, ...(startKey !== undefined ? { start_key: startKey } : {}) })
      .set('X-Auth-Token', token);
    expect(res.status).toBe(200);
    if (startKey !== undefined) expect(res.body.start_key).toBe(startKey);
    const data = res.body.data as Array<{ id: string }>;
    expect(res.body.page_size).toBe(data.length);
    ids.push(...data.map((item) => item.id));
    pages.push(data.length);
    startKey = res.body.next_start_key as string | undefined;
    if (startKey === undefined) return { ids, pages };
  }
  throw new Error('listing never ended');
}

describe('PUT /v2/accounts/:accountId/things', () => {
  it('when the body is valid, then 201 with the thing, its default stuff, Location and revision', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'thing2' } });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    const id = res.body.data.id as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.location).toBe(`/v2/accounts/${accountId}/things/${id}`);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'thing2', stuff: [] },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
  });

  it('when the thing is created, then the default stuff and the private fields are stored', async () => {
    const before = gregorianSeconds();
    const { id, rev } = await createThing(app, token, accountId, { name: 'Stored Thing!' });

    const stored = await readStored(accountId, id);

    expect(stored).toMatchObject({
      _id: id,
      _rev: rev,
      name: 'Stored Thing!',
      stuff: [],
      pvt_type: 'thing',
      pvt_vsn: '1',
      pvt_account_id: accountId,
      pvt_account_db: encodeURIComponent(
        `account/${accountId.slice(0, 2)}/${accountId.slice(2, 4)}/${accountId.slice(4)}`,
      ),
      pvt_is_authenticated: true,
      pvt_auth_account_id: app.deps.masterAccountId,
      pvt_auth_user_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      pvt_alphanum_name: 'storedthing',
      pvt_request_id: expect.any(String),
    });
    expect(stored?.pvt_created).toBeGreaterThanOrEqual(before);
    expect(stored?.pvt_created).toBeLessThanOrEqual(gregorianSeconds());
    expect(stored?.pvt_modified).toBe(stored?.pvt_created);
  });

  it('when stuff is given, then it is stored and returned as sent', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'busy', stuff: ['wash', 'dry'] } });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, name: 'busy', stuff: ['wash', 'dry'] });
  });

  it('when name is missing, then 400 with name.required', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: {} });

    expect(res.status).toBe(400);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', nameRequired(), token));
  });

  it('when name has 33 characters, then 400 with name.maxLength, target 32 and the value', async () => {
    const name = 'x'.repeat(33);
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          name: {
            maxLength: {
              message: 'String must not be more than 32 characters',
              target: 32,
              value: name,
            },
          },
        },
        token,
      ),
    );
  });

  it('when name has 32 characters, then 201', async () => {
    const name = 'y'.repeat(32);
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name } });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, name, stuff: [] });
  });

  it('when name has 32 code points but 64 UTF-16 units, then 201 (length counts code points)', async () => {
    const name = '😀'.repeat(32);
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name } });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, name, stuff: [] });
  });

  it('when name is empty, then 400 with name.minLength target 1', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: '' } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          name: {
            minLength: { message: 'String must be at least 1 characters', target: 1, value: '' },
          },
        },
        token,
      ),
    );
  });

  it('when name is not a string, then 400 with name.type', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 42 } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          name: {
            type: { message: 'Value did not match type(s): string', target: 'string', value: 42 },
          },
        },
        token,
      ),
    );
  });

  it('when an item of stuff is not a string, then 400 keyed "stuff.1" with a type error', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'mixed', stuff: ['a', 1] } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          'stuff.1': {
            type: { message: 'Value did not match type(s): string', target: 'string', value: 1 },
          },
        },
        token,
      ),
    );
  });

  it('when several fields fail, then all failures are merged into one 400', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: '', stuff: [true] } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          name: {
            minLength: { message: 'String must be at least 1 characters', target: 1, value: '' },
          },
          'stuff.0': {
            type: {
              message: 'Value did not match type(s): string',
              target: 'string',
              value: true,
            },
          },
        },
        token,
      ),
    );
  });

  it('when a valid id is supplied, then the thing is created under that id', async () => {
    const id = `client-id_${Date.now()}`;
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { id, name: 'chosen' } });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v2/accounts/${accountId}/things/${id}`);
    expect(res.body.data).toEqual({ id, name: 'chosen', stuff: [] });
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual({ id, name: 'chosen', stuff: [] });
  });

  it.each(['_design/x', 'bad id!'])(
    'when the supplied id is %p, then 400 with id.pattern',
    async (id) => {
      const res = await app.http
        .put(thingsPath(accountId))
        .set('X-Auth-Token', token)
        .send({ data: { id, name: 'sneaky' } });

      expect(res.status).toBe(400);
      expectJsonHeaders(res);
      expect(res.body).toEqual(
        errorEnvelope(
          400,
          'validation error',
          {
            id: {
              pattern: {
                message: `Failed to match pattern '${ID_PATTERN}'`,
                target: ID_PATTERN,
                value: id,
              },
            },
          },
          token,
        ),
      );
    },
  );

  it('when the supplied id already exists, then 409 datastore_conflict', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { id, name: 'again' } });

    expect(res.status).toBe(409);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(409, 'datastore_conflict', { message: 'conflicting documents' }, token),
    );
  });

  it('when private fields are sent, then they are neither stored nor returned', async () => {
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({
        data: {
          name: 'private',
          pvt_type: 'account',
          pvt_deleted: true,
          pvt_secret: 's3cret',
          _rev: '7-0000',
          _attachments: { 'a.txt': { content_type: 'text/plain', data: 'aGk=' } },
          _deleted: true,
        },
      });

    expect(res.status).toBe(201);
    const id = res.body.data.id as string;
    expect(res.body.data).toEqual({ id, name: 'private', stuff: [] });
    expect(res.body.revision).toMatch(/^1-/);
    const stored = await readStored(accountId, id);
    expect(stored).toMatchObject({ pvt_type: 'thing', name: 'private' });
    expect(stored).not.toHaveProperty('pvt_secret');
    expect(stored).not.toHaveProperty('pvt_deleted');
    expect(stored).not.toHaveProperty('_attachments');
    expect(stored).not.toHaveProperty('_deleted');
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual({ id, name: 'private', stuff: [] });
  });

  it('when ui_metadata and extra properties are sent, then they are stored and returned', async () => {
    const extra = {
      ui_metadata: { version: '4.3-12', ui: 'monster-ui', origin: 'voip' },
      custom: { nested: { deep: [1, 2] } },
    };
    const res = await app.http
      .put(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'meta', ...extra } });

    expect(res.status).toBe(201);
    const id = res.body.data.id as string;
    expect(res.body.data).toEqual({ id, name: 'meta', stuff: [], ...extra });
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.body.data).toEqual({ id, name: 'meta', stuff: [], ...extra });
  });
});

describe('GET /v2/accounts/:accountId/things', () => {
  let emptyAccountId: string;

  beforeAll(async () => {
    emptyAccountId = await createAccount(app, token, app.deps.masterAccountId);
  });

  it('when the account has no things, then 200 with an empty list', async () => {
    const res = await app.http.get(thingsPath(emptyAccountId)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope([], { auth_token: token, page_size: 0, revision: listingRevision([]) }),
    );
  });

  it('when things exist, then 200 with {id, name} rows ascending by id, ETag and revision', async () => {
    const a = await createThing(app, token, emptyAccountId, { name: 'thing1', stuff: ['x'] });
    const b = await createThing(app, token, emptyAccountId, { name: 'thing2', custom: 1 });
    const expected = [
      { id: a.id, name: 'thing1' },
      { id: b.id, name: 'thing2' },
    ].sort((x, y) => (x.id < y.id ? -1 : 1));

    const res = await app.http.get(thingsPath(emptyAccountId)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    const revision = listingRevision(expected);
    expect(res.body).toEqual(
      successEnvelope(expected, { auth_token: token, page_size: 2, revision }),
    );
    expect(res.headers.etag).toBe(`"${revision}"`);
    expect(res.headers.expires).toBe(EXPIRES);
  });

  it('when the listing ETag is sent in If-None-Match, then 304 with no body', async () => {
    const first = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', token);
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;

    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('If-None-Match', etag);

    expect(res.status).toBe(304);
    expect(res.text).toBe('');
    expect(res.headers.etag).toBe(etag);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('when If-None-Match holds another value, then 200 with the listing', async () => {
    const res = await app.http
      .get(thingsPath(accountId))
      .set('X-Auth-Token', token)
      .set('If-None-Match', '"0123456789abcdef0123456789abcdef"');

    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(listingRevision(res.body.data));
  });
});

describe('HEAD /v2/accounts/:accountId/things', () => {
  it('when asked, then the headers of GET (ETag included) and no body', async () => {
    const get = await app.http.get(thingsPath(accountId)).set('X-Auth-Token', token);

    const res = await app.http.head(thingsPath(accountId)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.text).toBeUndefined();
    expect(res.headers.etag).toBe(get.headers.etag);
    expect(res.headers.expires).toBe(EXPIRES);
  });
});

describe('GET /v2/accounts/:accountId/things (pagination)', () => {
  let pagedAccountId: string;
  let ids: string[];

  beforeAll(async () => {
    pagedAccountId = await createAccount(app, token, app.deps.masterAccountId);
    const created = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        createThing(app, token, pagedAccountId, { name: `paged-${i}` }),
      ),
    );
    ids = created.map((thing) => thing.id).sort();
  });

  it('when page_size=3, then 3 items, page_size 3 and a next_start_key, no start_key', async () => {
    const res = await app.http
      .get(thingsPath(pagedAccountId))
      .query({ page_size: '3' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(expect.any(Array), {
        auth_token: token,
        page_size: 3,
        next_start_key: expect.any(String),
        revision: listingRevision(res.body.data),
      }),
    );
    expect((res.body.data as Array<{ id: string }>).map((item) => item.id)).toEqual(
      ids.slice(0, 3),
    );
  });

  it('when following next_start_key, then every thing once, ascending, and the last page has no next_start_key', async () => {
    const walked = await walkListing(pagedAccountId, { page_size: '3' });

    expect(walked.ids).toEqual(ids);
    expect(walked.pages).toEqual([3, 3, 1]);
  });

  it('when start_key is sent, then it is echoed and the page starts there', async () => {
    const first = await app.http
      .get(thingsPath(pagedAccountId))
      .query({ page_size: '3' })
      .set('X-Auth-Token', token);
    const startKey = first.body.next_start_key as string;

    const res = await app.http
      .get(thingsPath(pagedAccountId))
      .query({ page_size: '3', start_key: startKey })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(expect.any(Array), {
        auth_token: token,
        page_size: 3,
        start_key: startKey,
        next_start_key: expect.any(String),
        revision: listingRevision(res.body.data),
      }),
    );
    expect((res.body.data as Array<{ id: string }>).map((item) => item.id)).toEqual(
      ids.slice(3, 6),
    );
  });

  it('when start_key is a plain view key (a thing id), then the page starts at that id', async () => {
    const res = await app.http
      .get(thingsPath(pagedAccountId))
      .query({ page_size: '3', start_key: ids[2]! })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.start_key).toBe(ids[2]);
    expect(res.body.page_size).toBe(3);
    expect((res.body.data as Array<{ id: string }>).map((item) => item.id)).toEqual(
      ids.slice(2, 5),
    );
  });

  it('when paginate=true, then the listing stays paginated', async () => {
    const res = await app.http
      .get(thingsPath(pagedAccountId))
      .query({ paginate: 'true', page_size: '3' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.page_size).toBe(3);
    expect(res.body.next_start_key).toEqual(expect.any(String));
  });

  it('when paginate has a non-true value (no), then every thing and no pagination keys', async () => {
    const res = await app.http
      .get(thingsPath(pagedAccountId))
      .query({ paginate: 'no', page_size: '3' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect((res.body.data as Array<{ id: string }>).map((item) => item.id)).toEqual(ids);
    expect(res.body).not.toHaveProperty('page_size');
    expect(res.body).not.toHaveProperty('next_start_key');
  });

  it('when paginate=false, then every thing and no page_size, start_key or next_start_key', async () => {
    const res = await app.http
      .get(thingsPath(pagedAccountId))
      .query({ paginate: 'false', page_size: '3', start_key: 'whatever' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    const data = ids.map((id) => ({ id, name: expect.stringMatching(/^paged-\d$/) }));
    expect(res.body).toEqual(
      successEnvelope(data, { auth_token: token, revision: listingRevision(res.body.data) }),
    );
  });

  it.each(['0', '-1', 'abc', '2.5'])(
    'when page_size=%s, then the default page size applies (every one of 7 things, no next_start_key)',
    async (pageSize) => {
      const res = await app.http
        .get(thingsPath(pagedAccountId))
        .query({ page_size: pageSize })
        .set('X-Auth-Token', token);

      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        successEnvelope(expect.any(Array), {
          auth_token: token,
          page_size: 7,
          revision: listingRevision(res.body.data),
        }),
      );
    },
  );

  it('when page_size=5000, then it is clamped without error and every thing is returned', async () => {
    const res = await app.http
      .get(thingsPath(pagedAccountId))
      .query({ page_size: '5000' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.page_size).toBe(7);
    expect(res.body.page_size).toBeLessThanOrEqual(1000);
    expect(res.body).not.toHaveProperty('next_start_key');
  });
});

describe('GET /v2/accounts/:accountId/things (default page size)', () => {
  let bigAccountId: string;
  let ids: string[];

  beforeAll(async () => {
    bigAccountId = await createAccount(app, token, app.deps.masterAccountId);
    const created: string[] = [];
    for (let batch = 0; batch < 51; batch += 17) {
      const things = await Promise.all(
        Array.from({ length: 17 }, (_, i) =>
          createThing(app, token, bigAccountId, { name: `big-${batch + i}` }),
        ),
      );
      created.push(...things.map((thing) => thing.id));
    }
    ids = created.sort();
  });

  it.each([undefined, '0', '-1', 'abc'])(
    'when page_size is %p among 51 things, then a page of 50 and a next_start_key',
    async (pageSize) => {
      const res = await app.http
        .get(thingsPath(bigAccountId))
        .query(pageSize === undefined ? {} : { page_size: pageSize })
        .set('X-Auth-Token', token);

      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        successEnvelope(expect.any(Array), {
          auth_token: token,
          page_size: 50,
          next_start_key: expect.any(String),
          revision: listingRevision(res.body.data),
        }),
      );
      expect((res.body.data as Array<{ id: string }>).map((item) => item.id)).toEqual(
        ids.slice(0, 50),
      );
    },
  );

  it('when page_size=5000 among 51 things, then all 51 on one page', async () => {
    const res = await app.http
      .get(thingsPath(bigAccountId))
      .query({ page_size: '5000' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.page_size).toBe(51);
    expect(res.body).not.toHaveProperty('next_start_key');
  });

  it('when page_size is repeated, then the last value wins', async () => {
    const res = await app.http
      .get(`${thingsPath(bigAccountId)}?page_size=1&page_size=4`)
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.page_size).toBe(4);
    expect(res.body.data).toHaveLength(4);
  });
});

describe('GET /v2/accounts/:accountId/things (filters)', () => {
  let filterAccountId: string;
  /** Index i → created id; the things are described by `specFor(i)`. */
  const byIndex: string[] = [];
  const COUNT = 30;

  function specFor(i: number): Record<string, unknown> {
    const spec: Record<string, unknown> = {
      name: `f-${i}`,
      color: i % 3 === 0 ? 'red' : 'blue',
      meta: { level: i % 2 },
    };
    if (i % 5 === 0) spec.tag = i % 10 === 0 ? 'x' : '';
    return spec;
  }

  function idsWhere(keep: (i: number) => boolean): string[] {
    return byIndex.filter((_, i) => keep(i)).sort();
  }

  beforeAll(async () => {
    filterAccountId = await createAccount(app, token, app.deps.masterAccountId);
    const things = await Promise.all(
      Array.from({ length: COUNT }, (_, i) => createThing(app, token, filterAccountId, specFor(i))),
    );
    byIndex.push(...things.map((thing) => thing.id));
  });

  async function listIds(query: Record<string, string>): Promise<string[]> {
    const res = await app.http
      .get(thingsPath(filterAccountId))
      .query({ paginate: 'false', ...query })
      .set('X-Auth-Token', token);
    expect(res.status).toBe(200);
    return (res.body.data as Array<{ id: string }>).map((item) => item.id);
  }

  it('when filter_name is given, then only the thing of that name', async () => {
    const res = await app.http
      .get(thingsPath(filterAccountId))
      .query({ filter_name: 'f-7' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    const data = [{ id: byIndex[7], name: 'f-7' }];
    expect(res.body).toEqual(
      successEnvelope(data, { auth_token: token, page_size: 1, revision: listingRevision(data) }),
    );
  });

  it('when filter_color=red, then only the red things', async () => {
    expect(await listIds({ filter_color: 'red' })).toEqual(idsWhere((i) => i % 3 === 0));
  });

  it('when filter_not_color=red, then every thing but the red ones', async () => {
    expect(await listIds({ filter_not_color: 'red' })).toEqual(idsWhere((i) => i % 3 !== 0));
  });

  it('when the filter value is a JSON array, then things whose value is a member', async () => {
    expect(await listIds({ filter_color: '["red","green"]' })).toEqual(
      idsWhere((i) => i % 3 === 0),
    );
  });

  it('when the filter path is dotted, then the nested value is compared', async () => {
    expect(await listIds({ 'filter_meta.level': '1' })).toEqual(idsWhere((i) => i % 2 === 1));
  });

  it('when has_key=tag, then the things that have a tag, empty or not', async () => {
    expect(await listIds({ has_key: 'tag' })).toEqual(idsWhere((i) => i % 5 === 0));
  });

  it('when key_missing=tag, then the things without a tag', async () => {
    expect(await listIds({ key_missing: 'tag' })).toEqual(idsWhere((i) => i % 5 !== 0));
  });

  it('when has_value=tag, then the things whose tag is not empty', async () => {
    expect(await listIds({ has_value: 'tag' })).toEqual(idsWhere((i) => i % 10 === 0));
  });

  it.each(['value_missing', 'missing_value'])(
    'when %s=tag, then the things whose tag is absent or empty',
    async (param) => {
      expect(await listIds({ [param]: 'tag' })).toEqual(idsWhere((i) => i % 10 !== 0));
    },
  );

  it('when the filter value is empty, then things whose key is missing or "" match', async () => {
    expect(await listIds({ filter_tag: '' })).toEqual(idsWhere((i) => i % 10 !== 0));
  });

  it('when the filter value is a JSON object equal to the stored value, then it matches', async () => {
    expect(await listIds({ filter_meta: '{"level":1}' })).toEqual(idsWhere((i) => i % 2 === 1));
  });

  it('when filters are combined, then they AND together', async () => {
    expect(await listIds({ filter_color: 'red', 'filter_meta.level': '0' })).toEqual(
      idsWhere((i) => i % 3 === 0 && i % 2 === 0),
    );
  });

  it('when a filter tests a private field, then it applies but rows stay {id, name}', async () => {
    const res = await app.http
      .get(thingsPath(filterAccountId))
      .query({ filter_pvt_type: 'thing', filter_name: 'f-3' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ id: byIndex[3], name: 'f-3' }]);
  });

  it('when filtering with page_size, then each page is full while matches remain', async () => {
    const res = await app.http
      .get(thingsPath(filterAccountId))
      .query({ filter_color: 'blue', page_size: '6' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(expect.any(Array), {
        auth_token: token,
        page_size: 6,
        next_start_key: expect.any(String),
        revision: listingRevision(res.body.data),
      }),
    );
    expect((res.body.data as Array<{ id: string }>).map((item) => item.id)).toEqual(
      idsWhere((i) => i % 3 !== 0).slice(0, 6),
    );
  });

  it('when walking a filtered listing page by page, then every match once, in order', async () => {
    const walked = await walkListing(filterAccountId, { filter_color: 'red', page_size: '4' });

    expect(walked.ids).toEqual(idsWhere((i) => i % 3 === 0));
    expect(walked.pages).toEqual([4, 4, 2]);
  });

  it('when the jQuery cache-buster _ is sent, then it is ignored', async () => {
    expect(await listIds({ _: '1700000000000' })).toEqual(idsWhere(() => true));
  });

  describe('created_from / created_to', () => {
    let early: { id: string; created: number };
    let late: { id: string; created: number };
    let timeAccountId: string;

    beforeAll(async () => {
      timeAccountId = await createAccount(app, token, app.deps.masterAccountId);
      const first = await createThing(app, token, timeAccountId, { name: 'early' });
      const firstCreated = (await readStored(timeAccountId, first.id))?.pvt_created as number;
      // The next Gregorian second, so the two things differ in pvt_created.
      while (gregorianSeconds() <= firstCreated) await sleep(50);
      const second = await createThing(app, token, timeAccountId, { name: 'late' });
      const secondCreated = (await readStored(timeAccountId, second.id))?.pvt_created as number;
      early = { id: first.id, created: firstCreated };
      late = { id: second.id, created: secondCreated };
    });

    async function timeIds(query: Record<string, string>): Promise<string[]> {
      const res = await app.http
        .get(thingsPath(timeAccountId))
        .query(query)
        .set('X-Auth-Token', token);
      expect(res.status).toBe(200);
      return (res.body.data as Array<{ id: string }>).map((item) => item.id);
    }

    it('when created_to is the first creation second, then only the first thing (inclusive)', async () => {
      expect(late.created).toBeGreaterThan(early.created);
      expect(await timeIds({ created_to: String(early.created) })).toEqual([early.id]);
    });

    it('when created_from is the second creation second, then only the second thing (inclusive)', async () => {
      expect(await timeIds({ created_from: String(late.created) })).toEqual([late.id]);
    });

    it('when created_from and created_to span both, then both things', async () => {
      expect(
        await timeIds({ created_from: String(early.created), created_to: String(late.created) }),
      ).toEqual([early.id, late.id].sort());
    });

    it('when modified_from is the second creation second, then things modified since (the second, then the patched first)', async () => {
      expect(await timeIds({ modified_from: String(late.created) })).toEqual([late.id]);
      expect(await timeIds({ modified_to: String(early.created) })).toEqual([early.id]);
      const patched = await app.http
        .patch(thingsPath(timeAccountId, early.id))
        .set('X-Auth-Token', token)
        .send({ data: { stuff: ['touched'] } });
      expect(patched.status).toBe(200);

      expect(await timeIds({ modified_from: String(late.created) })).toEqual(
        [early.id, late.id].sort(),
      );
      expect(await timeIds({ modified_to: String(early.created) })).toEqual([]);
      expect(await timeIds({ created_to: String(early.created) })).toEqual([early.id]);
    });

    it('when created_from is after every creation, then none', async () => {
      expect(await timeIds({ created_from: String(late.created + 1) })).toEqual([]);
    });
  });
});

describe('GET /v2/accounts/:accountId/things/:thingId', () => {
  it('when the thing exists, then 200 with its public fields, revision, ETag and Expires', async () => {
    const { id, rev } = await createThing(app, token, accountId, { name: 'thing1' });

    const res = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope({ id, name: 'thing1', stuff: [] }, { auth_token: token, revision: rev }),
    );
    expect(res.headers.etag).toBe(`"${rev}"`);
    expect(res.headers.expires).toBe(EXPIRES);
  });

  it('when the thing does not exist, then 404 bad_identifier with the id as cause', async () => {
    const res = await app.http
      .get(thingsPath(accountId, 'no-such-thing'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        404,
        'bad_identifier',
        { cause: 'no-such-thing', message: 'bad identifier' },
        token,
      ),
    );
  });

  it('when the id names a document that is not a thing, then 404 bad_identifier', async () => {
    // Every account database holds its own account document.
    const res = await app.http.get(thingsPath(accountId, accountId)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: accountId, message: 'bad identifier' }, token),
    );
  });

  it('when a stored doc has no pvt_type (legacy), then it passes the type check (200)', async () => {
    await storedDocs(accountId).insert({ _id: 'legacy-thing', name: 'legacy', stuff: ['old'] });

    const res = await app.http
      .get(thingsPath(accountId, 'legacy-thing'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(
        { id: 'legacy-thing', name: 'legacy', stuff: ['old'] },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
  });

  it('when the ETag is sent in If-None-Match, then 304 with no body', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    for (const tag of [`"${rev}"`, rev, '*']) {
      const res = await app.http
        .get(thingsPath(accountId, id))
        .set('X-Auth-Token', token)
        .set('If-None-Match', tag);

      expect(res.status).toBe(304);
      expect(res.text).toBe('');
      expect(res.headers.etag).toBe(`"${rev}"`);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    }
  });

  it('when If-None-Match holds an old revision, then 200 with the thing', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());
    const patched = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { stuff: ['more'] } });

    const res = await app.http
      .get(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-None-Match', `"${rev}"`);

    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(patched.body.revision);
    expect(res.body.data.stuff).toEqual(['more']);
  });

  it('when the path has a sub-path the module does not handle, then 404 not_found', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http.get(thingsPath(accountId, id, 'nosuch')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, token));
  });

  it('when the path goes deeper than stuff, then 404 not_found', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .post(thingsPath(accountId, id, 'stuff', 'extra'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }, token));
  });
});

describe('HEAD /v2/accounts/:accountId/things/:thingId', () => {
  it('when the thing exists, then 200, the headers of GET with its ETag, and no body', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http.head(thingsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.headers.etag).toBe(`"${rev}"`);
    expect(res.headers.expires).toBe(EXPIRES);
    expect(res.text).toBeUndefined();
  });

  it('when the thing does not exist, then 404 without a body', async () => {
    const res = await app.http.head(thingsPath(accountId, 'missing')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.text).toBeUndefined();
  });

  it('when If-None-Match matches, then 304', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .head(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-None-Match', `"${rev}"`);

    expect(res.status).toBe(304);
    expect(res.headers.etag).toBe(`"${rev}"`);
  });
});

describe('POST /v2/accounts/:accountId/things/:thingId', () => {
  it('when the body is valid, then 200 and fields not sent are removed (stuff back to [])', async () => {
    const { id, rev } = await createThing(app, token, accountId, {
      name: 'thing1',
      stuff: ['a'],
      custom: 'gone',
      ui_metadata: { ui: 'monster-ui' },
    });

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'thing2' } });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'thing2', stuff: [] },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    expect(res.body.revision).not.toBe(rev);
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.body.data).toEqual({ id, name: 'thing2', stuff: [] });
    expect(fetched.body.revision).toBe(res.body.revision);
  });

  it('when the thing is replaced, then its private fields are kept and pvt_created unchanged', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());
    const before = await readStored(accountId, id);

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'replaced', pvt_type: 'user', pvt_created: 1 } });

    expect(res.status).toBe(200);
    const after = await readStored(accountId, id);
    expect(after).toMatchObject({
      pvt_type: 'thing',
      pvt_created: before?.pvt_created,
      pvt_account_id: accountId,
      name: 'replaced',
      pvt_alphanum_name: 'replaced',
    });
  });

  it('when the body is invalid and the thing does not exist, then 400 (validation before existence)', async () => {
    const res = await app.http
      .post(thingsPath(accountId, 'does-not-exist'))
      .set('X-Auth-Token', token)
      .send({ data: {} });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', nameRequired(), token));
  });

  it('when the thing does not exist, then 404 bad_identifier', async () => {
    const res = await app.http
      .post(thingsPath(accountId, 'does-not-exist'))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'ghost' } });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(
        404,
        'bad_identifier',
        { cause: 'does-not-exist', message: 'bad identifier' },
        token,
      ),
    );
  });

  it('when the body carries another id, then the URL id wins', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { id: 'elsewhere', name: 'mine' } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'mine', stuff: [] });
    expect(await readStored(accountId, 'elsewhere')).toBeUndefined();
  });

  it('when the same fetched body (with id and a stale _rev) is posted 4 times, then 200 each with a new revision', async () => {
    const { id } = await createThing(app, token, accountId, buildThing({ stuff: ['s'] }));
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    const body = { data: { ...fetched.body.data, _rev: fetched.body.revision } };

    const revisions: string[] = [fetched.body.revision];
    for (let i = 0; i < 4; i += 1) {
      const res = await app.http
        .post(thingsPath(accountId, id))
        .set('X-Auth-Token', token)
        .send(body);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual(fetched.body.data);
      revisions.push(res.body.revision as string);
    }

    expect(new Set(revisions).size).toBe(5);
    expect(revisions.map((rev) => rev.split('-')[0])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('when If-Match holds a stale revision, then 412 precondition_failed with the current revision', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-Match', '"1-00000000000000000000000000000000"')
      .send({ data: { name: 'late' } });

    expect(res.status).toBe(412);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        412,
        'precondition_failed',
        { message: 'precondition failed', cause: rev },
        token,
      ),
    );
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.body.revision).toBe(rev);
  });

  it.each([
    ['quoted', (rev: string) => `"${rev}"`],
    ['unquoted', (rev: string) => rev],
    ['*', () => '*'],
  ])('when If-Match is the current revision (%s), then 200', async (_label, header) => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-Match', header(rev))
      .send({ data: { name: 'on time' } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'on time', stuff: [] });
    expect(res.body.revision).toMatch(/^2-/);
  });
});

describe('PATCH /v2/accounts/:accountId/things/:thingId', () => {
  it('when stuff is patched, then 200 with the merged thing', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'thing2' });

    const res = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { stuff: ['object'] } });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'thing2', stuff: ['object'] },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
  });

  it('when objects are patched, then they merge deeply, arrays replace and null deletes', async () => {
    const { id } = await createThing(app, token, accountId, {
      name: 'deep',
      stuff: ['a', 'b'],
      custom: { keep: 1, drop: 2, inner: { x: 1, list: [1, 2] } },
      remove_me: 'bye',
    });

    const res = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({
        data: {
          stuff: ['c'],
          custom: { drop: null, inner: { y: 2, list: [3] } },
          remove_me: null,
          added: true,
        },
      });

    expect(res.status).toBe(200);
    const merged = {
      id,
      name: 'deep',
      stuff: ['c'],
      custom: { keep: 1, inner: { x: 1, y: 2, list: [3] } },
      added: true,
    };
    expect(res.body.data).toEqual(merged);
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.body.data).toEqual(merged);
  });

  it('when name is patched to null, then 400 with name.required', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { name: null } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', nameRequired(), token));
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.body.revision).toBe(rev);
  });

  it('when the merged result breaks the schema, then 400 with the failure', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { stuff: ['ok', 2] } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        {
          'stuff.1': {
            type: { message: 'Value did not match type(s): string', target: 'string', value: 2 },
          },
        },
        token,
      ),
    );
  });

  it('when private fields are patched, then they are ignored', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'guarded' });

    const res = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({
        data: { id: 'other', pvt_deleted: true, pvt_type: 'user', _rev: '9-x', stuff: ['s'] },
      });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'guarded', stuff: ['s'] });
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toEqual({ id, name: 'guarded', stuff: ['s'] });
  });

  it('when the thing does not exist, then 404 bad_identifier', async () => {
    const res = await app.http
      .patch(thingsPath(accountId, 'nope'))
      .set('X-Auth-Token', token)
      .send({ data: { stuff: [] } });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: 'nope', message: 'bad identifier' }, token),
    );
  });

  it('when If-Match holds a stale revision, then 412 precondition_failed with the current revision', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-Match', '"0-stale"')
      .send({ data: { stuff: ['x'] } });

    expect(res.status).toBe(412);
    expect(res.body).toEqual(
      errorEnvelope(
        412,
        'precondition_failed',
        { message: 'precondition failed', cause: rev },
        token,
      ),
    );
  });

  it('when If-Match is the current revision, then 200', async () => {
    const { id, rev } = await createThing(app, token, accountId, { name: 'matched' });

    const res = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-Match', `"${rev}"`)
      .send({ data: { stuff: ['x'] } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'matched', stuff: ['x'] });
  });
});

describe('DELETE /v2/accounts/:accountId/things/:thingId', () => {
  it('when the thing exists, then 200 with its fields and _read_only.deleted, and it is soft deleted', async () => {
    const { id, rev } = await createThing(app, token, accountId, {
      name: 'thing2',
      stuff: ['object'],
    });

    const res = await app.http.delete(thingsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'thing2', stuff: ['object'], _read_only: { deleted: true } },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    expect(res.body.revision).not.toBe(rev);
    const stored = await readStored(accountId, id);
    expect(stored).toMatchObject({ _id: id, _rev: res.body.revision, pvt_deleted: true });
  });

  it('when the thing was deleted, then GET gives 404 bad_identifier and the summary no longer lists it', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());
    const listedBefore = await app.http
      .get(thingsPath(accountId))
      .query({ paginate: 'false' })
      .set('X-Auth-Token', token);
    expect((listedBefore.body.data as Array<{ id: string }>).map((row) => row.id)).toContain(id);
    const deleted = await app.http.delete(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(deleted.status).toBe(200);

    const res = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: id, message: 'bad identifier' }, token),
    );
    const listed = await app.http
      .get(thingsPath(accountId))
      .query({ paginate: 'false' })
      .set('X-Auth-Token', token);
    expect((listed.body.data as Array<{ id: string }>).map((row) => row.id)).not.toContain(id);
  });

  it('when the thing was deleted, then POST, PATCH, DELETE and stuff give 404 too', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());
    await app.http.delete(thingsPath(accountId, id)).set('X-Auth-Token', token);
    const notFound = errorEnvelope(
      404,
      'bad_identifier',
      { cause: id, message: 'bad identifier' },
      token,
    );

    const replaced = await app.http
      .post(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'zombie' } });
    const patched = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { stuff: [] } });
    const deletedAgain = await app.http
      .delete(thingsPath(accountId, id))
      .set('X-Auth-Token', token);
    const stuff = await app.http
      .post(thingsPath(accountId, id, 'stuff'))
      .set('X-Auth-Token', token);

    for (const res of [replaced, patched, deletedAgain, stuff]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
    }
  });

  it('when should_soft_delete=false, then the thing is removed from the database', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'hard' });

    const res = await app.http
      .delete(thingsPath(accountId, id))
      .query({ should_soft_delete: 'false' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'hard', stuff: [], _read_only: { deleted: true } },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    expect(await readStored(accountId, id)).toBeUndefined();
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.status).toBe(404);
  });

  it('when the thing does not exist, then 404 bad_identifier', async () => {
    const res = await app.http.delete(thingsPath(accountId, 'unknown')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: 'unknown', message: 'bad identifier' }, token),
    );
  });

  it('when If-Match holds a stale revision, then 412 and the thing stays', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .delete(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-Match', '"3-old"');

    expect(res.status).toBe(412);
    expect(res.body).toEqual(
      errorEnvelope(
        412,
        'precondition_failed',
        { message: 'precondition failed', cause: rev },
        token,
      ),
    );
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.status).toBe(200);
  });

  it('when If-Match is the current revision, then 200 and the thing is deleted', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .delete(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-Match', rev);

    expect(res.status).toBe(200);
    expect(res.body.data._read_only).toEqual({ deleted: true });
  });
});

describe('POST /v2/accounts/:accountId/things/:thingId/stuff', () => {
  it('when the body is empty and has no Content-Type, then 200 with one {"<item>":"done"} per item', async () => {
    const { id, rev } = await createThing(app, token, accountId, {
      name: 'worker',
      stuff: ['object', 'wash', 'dry'],
    });

    const res = await rawRequest(app, {
      method: 'POST',
      path: thingsPath(accountId, id, 'stuff'),
      headers: { 'X-Auth-Token': token },
    });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(
      successEnvelope([{ object: 'done' }, { wash: 'done' }, { dry: 'done' }], {
        auth_token: token,
        revision: rev,
      }),
    );
  });

  it('when the sample thing has stuff ["object"], then data is [{"object":"done"}]', async () => {
    const { id, rev } = await createThing(app, token, accountId, { name: 'thing2' });
    const patched = await app.http
      .patch(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { stuff: ['object'] } });
    expect(patched.body.revision).not.toBe(rev);

    const res = await app.http.post(thingsPath(accountId, id, 'stuff')).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope([{ object: 'done' }], {
        auth_token: token,
        revision: patched.body.revision,
      }),
    );
  });

  it('when the thing has no stuff, then 200 with an empty list and no page_size', async () => {
    const { id, rev } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .post(thingsPath(accountId, id, 'stuff'))
      .set('X-Auth-Token', token)
      .send({ data: {} });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(successEnvelope([], { auth_token: token, revision: rev }));
  });

  it('when a body is sent, then it is ignored and the thing is not modified', async () => {
    const { id, rev } = await createThing(app, token, accountId, { name: 'same', stuff: ['a'] });

    const res = await app.http
      .post(thingsPath(accountId, id, 'stuff'))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'changed', stuff: ['b'] } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ a: 'done' }]);
    const fetched = await app.http.get(thingsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.body).toEqual(
      successEnvelope({ id, name: 'same', stuff: ['a'] }, { auth_token: token, revision: rev }),
    );
  });

  it('when the thing does not exist, then 404 bad_identifier', async () => {
    const res = await app.http
      .post(thingsPath(accountId, 'nothing', 'stuff'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: 'nothing', message: 'bad identifier' }, token),
    );
  });
});

describe('methods not allowed on things paths', () => {
  it('when PUT /things/{id}, then 405 invalid_method with Allow', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http
      .put(thingsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'x' } });

    expect(res.status).toBe(405);
    expectJsonHeaders(res);
    expect(res.headers.allow).toBe('GET, HEAD, POST, PATCH, DELETE');
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
    );
  });

  it('when HEAD /things/{id}/stuff, then 405 (HEAD follows GET) with Allow: POST', async () => {
    const res = await app.http
      .head(thingsPath(accountId, 'any', 'stuff'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(405);
    expectJsonHeaders(res);
    expect(res.headers.allow).toBe('POST');
  });

  it('when GET /things/{id}/stuff, then 405 invalid_method with Allow: POST', async () => {
    const { id } = await createThing(app, token, accountId, buildThing());

    const res = await app.http.get(thingsPath(accountId, id, 'stuff')).set('X-Auth-Token', token);

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body).toEqual(
      errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
    );
  });

  it.each(['post', 'patch', 'delete'] as const)(
    'when %s /things, then 405 invalid_method with Allow: GET, HEAD, PUT',
    async (method) => {
      const res = await app.http[method](thingsPath(accountId))
        .set('X-Auth-Token', token)
        .send({ data: { name: 'x' } });

      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, PUT');
      expect(res.body).toEqual(
        errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
      );
    },
  );
});
