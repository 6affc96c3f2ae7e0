/**
 * The Lists module, lists themselves (spec lists.md §1, §3.1–3.5, §4, §7) over HTTP against the
 * real app and the test CouchDB: summary, create, fetch, replace, merge, delete with entries,
 * the design documents, routing errors.
 */
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createAccount,
  errorEnvelope,
  expectJsonHeaders,
  listingRevision,
  readStored,
  setupAccount,
  storedDocs,
  successEnvelope,
} from '../helpers/api';

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

function listsPath(account: string, ...rest: string[]): string {
  return ['/v2/accounts', account, 'lists', ...rest].join('/');
}

async function createList(data: Record<string, unknown>, account = accountId): Promise<string> {
  const res = await app.http.put(listsPath(account)).set('X-Auth-Token', token).send({ data });
  if (res.status !== 201) throw new Error(`list create failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

async function createEntry(listId: string, data: Record<string, unknown>): Promise<string> {
  const res = await app.http
    .put(listsPath(accountId, listId, 'entries'))
    .set('X-Auth-Token', token)
    .send({ data });
  if (res.status !== 201) throw new Error(`entry create failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

function badIdentifier(cause: string) {
  return errorEnvelope(404, 'bad_identifier', { cause, message: 'bad identifier' }, token);
}

describe('PUT /v2/accounts/:accountId/lists', () => {
  it('when the body is valid, then 201 with the list, Location and revision', async () => {
    const res = await app.http
      .put(listsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'list name', list_type: 'phone_book' } });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    const id = res.body.data.id as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.location).toBe(`/v2/accounts/${accountId}/lists/${id}`);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'list name', list_type: 'phone_book' },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
  });

  it('when the list is created, then it is stored with pvt_type "list" and the private fields', async () => {
    const id = await createList({ name: 'Stored List', org: 'ACME' });

    const stored = await readStored(accountId, id);

    expect(stored).toMatchObject({
      _id: id,
      name: 'Stored List',
      org: 'ACME',
      pvt_type: 'list',
      pvt_vsn: '1',
      pvt_account_id: accountId,
      pvt_alphanum_name: 'storedlist',
      pvt_created: expect.any(Number),
      pvt_modified: expect.any(Number),
    });
  });

  it('when name is missing, then 400 with name.required', async () => {
    const res = await app.http
      .put(listsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: {} });

    expect(res.status).toBe(400);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        { name: { required: { message: 'Field is required but missing', value: 'name' } } },
        token,
      ),
    );
  });

  it('when name has 129 characters, then 400 with name.maxLength target 128', async () => {
    const name = 'n'.repeat(129);
    const res = await app.http
      .put(listsPath(accountId))
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
              message: 'String must not be more than 128 characters',
              target: 128,
              value: name,
            },
          },
        },
        token,
      ),
    );
  });

  it('when name has 128 characters of two UTF-16 units each, then 201 (code points count)', async () => {
    const name = '😀'.repeat(128);
    const res = await app.http
      .put(listsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name } });

    expect(res.status).toBe(201);
    expect(res.body.data.name).toBe(name);
  });

  it('when name is empty, then 400 with name.minLength', async () => {
    const res = await app.http
      .put(listsPath(accountId))
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

  it('when description is empty and too long at once, then each failure is reported', async () => {
    const res = await app.http
      .put(listsPath(accountId))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'n'.repeat(200), description: '' } });

    expect(res.status).toBe(400);
    expect(Object.keys(res.body.data as object).sort()).toEqual(['description', 'name']);
    expect(res.body.data.description).toEqual({
      minLength: { message: 'String must be at least 1 characters', target: 1, value: '' },
    });
  });

  it('when an entries object and extra keys are sent, then they are stored like any key', async () => {
    const data = {
      name: 'legacy',
      entries: { one: { number: '1000' } },
      custom: { a: 1 },
      ui_metadata: { ui: 'monster-ui', version: '4.3' },
    };
    const res = await app.http.put(listsPath(accountId)).set('X-Auth-Token', token).send({ data });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, ...data });
  });
});

describe('GET /v2/accounts/:accountId/lists', () => {
  let summaryAccount: string;
  const ids: string[] = [];

  beforeAll(async () => {
    summaryAccount = await createAccount(app, token, app.deps.masterAccountId);
    for (let i = 0; i < 5; i += 1) {
      ids.push(
        await createList(
          i === 0
            ? { name: `list ${i}`, description: 'first', list_type: 'dynamic_cid', org: 'x' }
            : { name: `list ${i}` },
          summaryAccount,
        ),
      );
    }
    ids.sort();
  });

  it('when the account has no lists, then 200 with an empty array', async () => {
    const empty = await createAccount(app, token, app.deps.masterAccountId);

    const res = await app.http.get(listsPath(empty)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope([], { auth_token: token, page_size: 0, revision: listingRevision([]) }),
    );
  });

  it('when lists exist, then summary rows {id, name, description, list_type} ascending by id', async () => {
    const res = await app.http.get(listsPath(summaryAccount)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    const data = res.body.data as Array<Record<string, unknown>>;
    expect(data.map((row) => row.id)).toEqual(ids);
    const first = data.find((row) => row.description === 'first');
    expect(first).toEqual({
      id: expect.any(String),
      name: 'list 0',
      description: 'first',
      list_type: 'dynamic_cid',
    });
    for (const row of data.filter((item) => item !== first)) {
      expect(Object.keys(row).sort()).toEqual(['id', 'name']);
    }
    expect(res.body).toEqual(
      successEnvelope(data, {
        auth_token: token,
        page_size: 5,
        revision: listingRevision(data),
      }),
    );
    expect(res.headers.etag).toBe(`"${listingRevision(data)}"`);
  });

  it('when page_size=2, then pages of two follow next_start_key without gaps', async () => {
    const seen: string[] = [];
    let startKey: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const res = await app.http
        .get(listsPath(summaryAccount))
        .query({ page_size: '2', ...(startKey ? { start_key: startKey } : {}) })
        .set('X-Auth-Token', token);
      expect(res.status).toBe(200);
      seen.push(...(res.body.data as Array<{ id: string }>).map((row) => row.id));
      startKey = res.body.next_start_key as string | undefined;
      if (!startKey) break;
    }

    expect(seen).toEqual(ids);
  });

  it('when filtered by filter_list_type, then only the matching lists', async () => {
    const res = await app.http
      .get(listsPath(summaryAccount))
      .query({ filter_list_type: 'dynamic_cid' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect((res.body.data as Array<{ name: string }>).map((row) => row.name)).toEqual(['list 0']);
  });

  it('when paginate=false, then every list and no pagination keys', async () => {
    const res = await app.http
      .get(listsPath(summaryAccount))
      .query({ paginate: 'false' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(5);
    expect(res.body).not.toHaveProperty('page_size');
    expect(res.body).not.toHaveProperty('next_start_key');
  });

  it('when a list is soft-deleted, then the summary omits it at once', async () => {
    const id = await createList({ name: 'doomed' }, summaryAccount);
    await app.http.delete(listsPath(summaryAccount, id)).set('X-Auth-Token', token).expect(200);

    const res = await app.http.get(listsPath(summaryAccount)).set('X-Auth-Token', token);

    expect((res.body.data as Array<{ id: string }>).map((row) => row.id)).toEqual(ids);
  });
});

describe('GET /v2/accounts/:accountId/lists/:listId', () => {
  it('when the list exists, then 200 with the public doc, revision and ETag', async () => {
    const id = await createList({ name: 'fetch me', description: 'desc', org: 'Org' });

    const res = await app.http.get(listsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'fetch me', description: 'desc', org: 'Org' },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
    expect(res.headers.etag).toBe(`"${res.body.revision as string}"`);
  });

  it('when the list is unknown, then 404 bad_identifier with the id', async () => {
    const res = await app.http.get(listsPath(accountId, 'nosuchlist')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });

  it('when the id names a document of another type, then 404 bad_identifier', async () => {
    const list = await createList({ name: 'owner' });
    const entryId = await createEntry(list, { number: '1' });

    const res = await app.http.get(listsPath(accountId, entryId)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(entryId));
  });

  it('when the id names a design document, then 404 bad_identifier', async () => {
    const res = await app.http
      .get(listsPath(accountId, encodeURIComponent('_design/lists')))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('_design/lists'));
  });

  it('when the document has no pvt_type, then 404 (the list check is strict)', async () => {
    await storedDocs(accountId).insert({ _id: 'untyped-doc', name: 'no type' });

    const res = await app.http.get(listsPath(accountId, 'untyped-doc')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('untyped-doc'));
  });

  it('when If-None-Match carries the ETag, then 304', async () => {
    const id = await createList({ name: 'cached' });
    const first = await app.http.get(listsPath(accountId, id)).set('X-Auth-Token', token);

    const res = await app.http
      .get(listsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-None-Match', first.headers.etag as string);

    expect(res.status).toBe(304);
  });

  it('when asked with HEAD, then 200, headers, no body', async () => {
    const id = await createList({ name: 'headed' });

    const res = await app.http.head(listsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text ?? '').toBe('');
  });
});

describe('POST /v2/accounts/:accountId/lists/:listId', () => {
  it('when a new name is posted, then 200 and a description not sent is removed', async () => {
    const id = await createList({ name: 'Old', description: 'goes away' });

    const res = await app.http
      .post(listsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'New' } });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'New' },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    const stored = await readStored(accountId, id);
    expect(stored).not.toHaveProperty('description');
    expect(stored).toMatchObject({ pvt_type: 'list', pvt_alphanum_name: 'new' });
  });

  it('when the fetched doc is posted back with its id, then 200, never 409', async () => {
    const id = await createList({ name: 'round trip' });
    const fetched = await app.http.get(listsPath(accountId, id)).set('X-Auth-Token', token);

    const first = await app.http
      .post(listsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { ...fetched.body.data, description: 'one' } });
    const second = await app.http
      .post(listsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { ...fetched.body.data, description: 'two' } });

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual({ id, name: 'round trip', description: 'two' });
  });

  it('when the body is invalid and the list unknown, then 400 (validation before load)', async () => {
    const res = await app.http
      .post(listsPath(accountId, 'nosuchlist'))
      .set('X-Auth-Token', token)
      .send({ data: {} });

    expect(res.status).toBe(400);
    expect(res.body.data).toEqual({
      name: { required: { message: 'Field is required but missing', value: 'name' } },
    });
  });

  it('when the list is unknown, then 404 bad_identifier', async () => {
    const res = await app.http
      .post(listsPath(accountId, 'nosuchlist'))
      .set('X-Auth-Token', token)
      .send({ data: { name: 'x' } });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });

  it('when If-Match is stale, then 412 with the current revision', async () => {
    const id = await createList({ name: 'guarded' });
    const current = await app.http.get(listsPath(accountId, id)).set('X-Auth-Token', token);

    const res = await app.http
      .post(listsPath(accountId, id))
      .set('X-Auth-Token', token)
      .set('If-Match', '"1-00000000000000000000000000000000"')
      .send({ data: { name: 'lost update' } });

    expect(res.status).toBe(412);
    expect(res.body).toEqual(
      errorEnvelope(
        412,
        'precondition_failed',
        { message: 'precondition failed', cause: current.body.revision },
        token,
      ),
    );
  });
});

describe('PATCH /v2/accounts/:accountId/lists/:listId', () => {
  it('when a new key is patched in, then 200 with it added and name kept', async () => {
    const id = await createList({ name: 'Patched', description: 'kept' });

    const res = await app.http
      .patch(listsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { custom: 'value' } });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'Patched', description: 'kept', custom: 'value' },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
  });

  it('when a key is patched to null, then it is removed', async () => {
    const id = await createList({ name: 'nulled', description: 'bye' });

    const res = await app.http
      .patch(listsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { description: null } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id, name: 'nulled' });
  });

  it('when the merged doc is invalid, then 400', async () => {
    const id = await createList({ name: 'valid' });

    const res = await app.http
      .patch(listsPath(accountId, id))
      .set('X-Auth-Token', token)
      .send({ data: { name: '' } });

    expect(res.status).toBe(400);
    expect(res.body.data).toEqual({
      name: {
        minLength: { message: 'String must be at least 1 characters', target: 1, value: '' },
      },
    });
  });

  it('when the list is unknown, then 404 bad_identifier', async () => {
    const res = await app.http
      .patch(listsPath(accountId, 'nosuchlist'))
      .set('X-Auth-Token', token)
      .send({ data: { custom: 1 } });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });
});

describe('DELETE /v2/accounts/:accountId/lists/:listId', () => {
  it('when the list has entries, then they are hard-deleted and the list soft-deleted', async () => {
    const id = await createList({ name: 'with entries', description: 'd' });
    const entryIds = await Promise.all(
      [1, 2, 3].map((n) => createEntry(id, { number: `10${n}`, displayname: `e${n}` })),
    );
    const otherList = await createList({ name: 'bystander' });
    const bystander = await createEntry(otherList, { number: '999' });

    const res = await app.http.delete(listsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { id, name: 'with entries', description: 'd', _read_only: { deleted: true } },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    for (const entryId of entryIds) expect(await readStored(accountId, entryId)).toBeUndefined();
    expect(await readStored(accountId, id)).toMatchObject({ pvt_deleted: true, pvt_type: 'list' });
    expect(await readStored(accountId, bystander)).toMatchObject({ list_id: otherList });
    const fetched = await app.http.get(listsPath(accountId, id)).set('X-Auth-Token', token);
    expect(fetched.status).toBe(404);
    expect(fetched.body).toEqual(badIdentifier(id));
  });

  it('when the list has more entries than one bulk chunk (500), then all of them are deleted', async () => {
    const id = await createList({ name: 'big' });
    const docs = Array.from({ length: 600 }, (_, i) => ({
      _id: `big-${String(i).padStart(4, '0')}`,
      pvt_type: 'list_entry',
      list_id: id,
      number: String(i),
    }));
    await storedDocs(accountId).bulk({ docs });

    const res = await app.http.delete(listsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    const left = await storedDocs(accountId).fetch({ keys: docs.map((doc) => doc._id) });
    const isDeleted = (row: unknown): boolean =>
      (row as { value?: { deleted?: boolean } }).value?.deleted === true;
    expect(left.rows.filter((row) => !isDeleted(row))).toEqual([]);
  });

  it('when the list embeds legacy entries, then the list doc itself is only soft-deleted', async () => {
    const id = await createList({ name: 'legacy', entries: { a: { number: '1' } } });

    const res = await app.http.delete(listsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(await readStored(accountId, id)).toMatchObject({ pvt_deleted: true });
  });

  it('when the list is unknown, then 404 bad_identifier', async () => {
    const res = await app.http
      .delete(listsPath(accountId, 'nosuchlist'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });

  it('when the list was already deleted, then 404 bad_identifier', async () => {
    const id = await createList({ name: 'twice' });
    await app.http.delete(listsPath(accountId, id)).set('X-Auth-Token', token).expect(200);

    const res = await app.http.delete(listsPath(accountId, id)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(id));
  });
});

describe('routing of /v2/accounts/:accountId/lists', () => {
  it.each([
    ['post', '', 'GET, HEAD, PUT'],
    ['put', '/L', 'GET, HEAD, POST, PATCH, DELETE'],
    ['post', '/L/entries', 'GET, HEAD, PUT, DELETE'],
    ['put', '/L/entries/E', 'GET, HEAD, POST, PATCH, DELETE'],
    ['post', '/L/entries/E/vcard', 'GET, HEAD'],
    ['put', '/L/entries/E/photo', 'GET, HEAD, POST, DELETE'],
    ['patch', '/L/entries/E/photo', 'GET, HEAD, POST, DELETE'],
  ] as const)(
    'when %s is sent to lists%s, then 405 invalid_method with Allow: %s',
    async (method, suffix, allow) => {
      const res = await app.http[method](listsPath(accountId) + suffix)
        .set('X-Auth-Token', token)
        .send({ data: {} });

      expect(res.status).toBe(405);
      expectJsonHeaders(res);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toEqual(
        errorEnvelope(405, 'invalid_method', { message: 'method not allowed' }, token),
      );
    },
  );

  it.each(['/L/nosuch', '/L/entries/E/nosuch', '/L/entries/E/photo/x', '/L/entries/E/vcard/x'])(
    'when lists%s is asked for, then 404 not_found even without a token',
    async (suffix) => {
      const res = await app.http.get(listsPath(accountId) + suffix);

      expect(res.status).toBe(404);
      expectJsonHeaders(res);
      expect(res.body).toEqual(errorEnvelope(404, 'not_found', { message: 'not found' }));
    },
  );

  it('when no token is sent, then 401', async () => {
    const res = await app.http.get(listsPath(accountId));

    expect(res.status).toBe(401);
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
  });

  it('when a trailing slash is sent, then it is the same path', async () => {
    const res = await app.http.get(`${listsPath(accountId)}/`).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
  });
});

describe('design documents', () => {
  it("when an account exists, then _design/lists has KAZOO's five views and ours pages entries", async () => {
    // A listing makes sure the design documents are in place.
    await app.http.get(listsPath(accountId)).set('X-Auth-Token', token).expect(200);
    const db = storedDocs(accountId);

    const lists = await db.get('_design/lists');
    const ours = await db.get('_design/crossbar_ts_lists');

    expect(Object.keys(lists.views as object).sort()).toEqual([
      'crossbar_listing',
      'entries',
      'match_prefix',
      'match_prefix_in_list',
      'regexps_in_list',
    ]);
    expect(Object.keys(ours.views as object)).toEqual(['entries']);
  });

  it('when entries exist, then the KAZOO views give the rows call routing reads', async () => {
    const id = await createList({ name: 'routing' });
    const byNumber = await createEntry(id, {
      number: '5551234',
      displayname: 'Shown',
      capture_group_key: 'k',
    });
    const byPrefix = await createEntry(id, { prefix: '555' });
    const byPattern = await createEntry(id, { pattern: '^\\+1' });
    const byRegexp = await createEntry(id, { regexp: '^0', pattern: 'ignored' });
    const db = storedDocs(accountId);

    const entries = await db.view('lists', 'entries', { key: id });
    const prefix = await db.view('lists', 'match_prefix', { key: '555' });
    const inList = await db.view('lists', 'match_prefix_in_list', {
      startkey: [id],
      endkey: [id, {}],
    });
    const regexps = await db.view('lists', 'regexps_in_list', { key: id });

    expect(entries.rows.find((row) => row.id === byNumber)).toEqual({
      id: byNumber,
      key: id,
      value: { number: '5551234', displayname: 'Shown', capture_group_key: 'k' },
    });
    expect(entries.rows).toHaveLength(4);
    expect(prefix.rows.map((row) => row.id)).toEqual([byPrefix]);
    expect(inList.rows.map((row) => row.key).sort()).toEqual([
      [id, '555'],
      [id, '5551234'],
    ]);
    expect(
      regexps.rows
        .map((row) => [row.id, row.value])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual(
      [
        [byPattern, '^\\+1'],
        [byRegexp, '^0'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const listing = await db.view('lists', 'crossbar_listing', { key: id });
    expect(listing.rows).toEqual([{ id, key: id, value: { id, name: 'routing' } }]);
  });

  it('when a list embeds legacy entries, then the entries view gives one row per key', async () => {
    const id = await createList({
      name: 'legacy view',
      entries: { k1: { cid_number: '111', cid_name: 'One' }, k2: { number: '222', name: 'Two' } },
    });

    const res = await storedDocs(accountId).view('lists', 'entries', { key: id });

    expect(res.rows.map((row) => row.value)).toEqual([
      { capture_group_key: 'k1', number: '111', name: 'One' },
      { capture_group_key: 'k2', number: '222', name: 'Two' },
    ]);
  });
});
