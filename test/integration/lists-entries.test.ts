/**
 * The Lists module, list entries (spec lists.md §1, §3.6–3.11) over HTTP against the real app and
 * the test CouchDB: the raw-row listing and its pages, create, fetch, replace, merge, delete, the
 * list and entry checks.
 */
import { startTestApp, type TestApp } from '../helpers/app';
import {
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

function listsPath(...rest: string[]): string {
  return ['/v2/accounts', accountId, 'lists', ...rest].join('/');
}

async function createList(data: Record<string, unknown> = { name: 'a list' }): Promise<string> {
  const res = await app.http.put(listsPath()).set('X-Auth-Token', token).send({ data });
  if (res.status !== 201) throw new Error(`list create failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

async function createEntry(listId: string, data: Record<string, unknown>): Promise<string> {
  const res = await app.http
    .put(listsPath(listId, 'entries'))
    .set('X-Auth-Token', token)
    .send({ data });
  if (res.status !== 201) throw new Error(`entry create failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

function badIdentifier(cause: string) {
  return errorEnvelope(404, 'bad_identifier', { cause, message: 'bad identifier' }, token);
}

interface Row {
  id: string;
  key: string;
  value: Record<string, unknown>;
}

/** Every row of a list's entries listing, following `next_start_key` to the end. */
async function walkEntries(
  listId: string,
  query: Record<string, string>,
): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let startKey: string | undefined;
  for (let i = 0; i < 20; i += 1) {
    const res = await app.http
      .get(listsPath(listId, 'entries'))
      .query({ ...query, ...(startKey !== undefined ? { start_key: startKey } : {}) })
      .set('X-Auth-Token', token);
    expect(res.status).toBe(200);
    const data = res.body.data as Row[];
    expect(res.body.page_size).toBe(data.length);
    if (startKey !== undefined) expect(res.body.start_key).toBe(startKey);
    for (const row of data) expect(row.key).toBe(listId);
    ids.push(...data.map((row) => row.id));
    pages.push(data.length);
    startKey = res.body.next_start_key as string | undefined;
    if (startKey === undefined) return { ids, pages };
  }
  throw new Error('listing never ended');
}

describe('PUT /v2/accounts/:accountId/lists/:listId/entries', () => {
  let listId: string;

  beforeAll(async () => {
    listId = await createList();
  });

  it('when the body is valid, then 201 with list_id, the default profile and Location', async () => {
    const res = await app.http
      .put(listsPath(listId, 'entries'))
      .set('X-Auth-Token', token)
      .send({ data: { number: '0123', displayname: 'List Entry' } });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    const id = res.body.data.id as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.location).toBe(`/v2/accounts/${accountId}/lists/${listId}/entries/${id}`);
    expect(res.body).toEqual(
      successEnvelope(
        { id, list_id: listId, number: '0123', displayname: 'List Entry', profile: {} },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
    expect(await readStored(accountId, id)).toMatchObject({
      pvt_type: 'list_entry',
      list_id: listId,
      profile: {},
      pvt_account_id: accountId,
    });
  });

  it('when the body names another list_id, then the URL list wins', async () => {
    const other = await createList();

    const res = await app.http
      .put(listsPath(listId, 'entries'))
      .set('X-Auth-Token', token)
      .send({ data: { number: '1', list_id: other } });

    expect(res.status).toBe(201);
    expect(res.body.data.list_id).toBe(listId);
  });

  it('when a profile and routing keys are sent, then they are stored as sent', async () => {
    const data = {
      pattern: '^\\+44',
      prefix: '44',
      capture_group_key: 'k',
      capture_group_length: 3,
      profile: {
        title: 'Dr',
        nicknames: ['Doc'],
        addresses: [{ address: '1 Main St', types: ['home', 'postal'] }],
      },
    };

    const res = await app.http
      .put(listsPath(listId, 'entries'))
      .set('X-Auth-Token', token)
      .send({ data });

    expect(res.status).toBe(201);
    expect(res.body.data).toEqual({ id: res.body.data.id, list_id: listId, ...data });
  });

  it.each([
    [
      'an empty displayname',
      { displayname: '' },
      {
        displayname: {
          minLength: { message: 'String must be at least 1 characters', target: 1, value: '' },
        },
      },
    ],
    [
      'a 129-character firstname',
      { firstname: 'f'.repeat(129) },
      {
        firstname: {
          maxLength: {
            message: 'String must not be more than 128 characters',
            target: 128,
            value: 'f'.repeat(129),
          },
        },
      },
    ],
    [
      'a number that is not a string',
      { number: 123 },
      {
        number: {
          type: { message: 'Value did not match type(s): string', target: 'string', value: 123 },
        },
      },
    ],
    [
      'an unknown address type',
      { profile: { addresses: [{ address: 'x', types: ['moon'] }] } },
      {
        'profile.addresses.0.types.0': {
          enum: {
            message: 'Value not found in enumerated list of values',
            target: ['dom', 'postal', 'intl', 'parcel', 'home', 'work', 'pref'],
            value: 'moon',
          },
        },
      },
    ],
  ])('when the entry has %s, then 400 validation error', async (_what, data, errors) => {
    const res = await app.http
      .put(listsPath(listId, 'entries'))
      .set('X-Auth-Token', token)
      .send({ data });

    expect(res.status).toBe(400);
    expectJsonHeaders(res);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', errors, token));
  });

  it('when the list is unknown, then 404 bad_identifier with the list id', async () => {
    const res = await app.http
      .put(listsPath('nosuchlist', 'entries'))
      .set('X-Auth-Token', token)
      .send({ data: { number: '1' } });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });

  it('when the list is unknown and the body invalid, then still 404 (the list is checked first)', async () => {
    const res = await app.http
      .put(listsPath('nosuchlist', 'entries'))
      .set('X-Auth-Token', token)
      .send({ data: { displayname: '' } });

    expect(res.status).toBe(404);
  });

  it('when twenty entries are added at once, then all succeed with distinct ids', async () => {
    const target = await createList();

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.http
          .put(listsPath(target, 'entries'))
          .set('X-Auth-Token', token)
          .send({ data: { number: `2000${i}`, displayname: `csv ${i}` } }),
      ),
    );

    expect(results.map((res) => res.status)).toEqual(Array(20).fill(201));
    const ids = new Set(results.map((res) => res.body.data.id as string));
    expect(ids.size).toBe(20);
    const listing = await walkEntries(target, { page_size: '7' });
    expect(new Set(listing.ids)).toEqual(ids);
  });
});

describe('GET /v2/accounts/:accountId/lists/:listId/entries', () => {
  it('when the list is empty, then 200 with an empty array', async () => {
    const listId = await createList();

    const res = await app.http.get(listsPath(listId, 'entries')).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope([], { auth_token: token, page_size: 0, revision: listingRevision([]) }),
    );
  });

  it('when entries exist, then raw rows {id, key: list id, value} ordered by id', async () => {
    const listId = await createList();
    const full = await createEntry(listId, {
      number: '0123',
      displayname: 'List Entry',
      firstname: 'Jane',
      lastname: 'Doe',
      type: 'mobile',
      name: 'n',
      pattern: 'p',
      prefix: 'x',
      regexp: 'r',
      capture_group_key: 'k',
      capture_group_length: 2,
      profile: { title: 'not in rows' },
      custom: 'not in rows',
    });
    const bare = await createEntry(listId, { number: '999' });

    const res = await app.http.get(listsPath(listId, 'entries')).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    const expected = [
      {
        id: full,
        key: listId,
        value: {
          capture_group_key: 'k',
          capture_group_length: 2,
          name: 'n',
          number: '0123',
          pattern: 'p',
          prefix: 'x',
          regexp: 'r',
          type: 'mobile',
          displayname: 'List Entry',
          firstname: 'Jane',
          lastname: 'Doe',
        },
      },
      { id: bare, key: listId, value: { number: '999' } },
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(res.body).toEqual(
      successEnvelope(expected, {
        auth_token: token,
        page_size: 2,
        revision: listingRevision(expected),
      }),
    );
  });

  it('when entries belong to other lists or are deleted, then they are not listed', async () => {
    const listId = await createList();
    const other = await createList();
    const kept = await createEntry(listId, { number: '1' });
    const gone = await createEntry(listId, { number: '2' });
    await createEntry(other, { number: '3' });
    await app.http
      .delete(listsPath(listId, 'entries', gone))
      .set('X-Auth-Token', token)
      .expect(200);

    const res = await app.http.get(listsPath(listId, 'entries')).set('X-Auth-Token', token);

    expect((res.body.data as Row[]).map((row) => row.id)).toEqual([kept]);
  });

  describe('with 120 entries', () => {
    let listId: string;
    let allIds: string[];

    beforeAll(async () => {
      listId = await createList({ name: 'big list' });
      const docs = Array.from({ length: 120 }, (_, i) => ({
        _id: `e-${String(i).padStart(3, '0')}`,
        pvt_type: 'list_entry',
        list_id: listId,
        number: String(1000 + i),
        type: i % 3 === 0 ? 'three' : 'other',
      }));
      await storedDocs(accountId).bulk({ docs });
      // A neighbouring list whose rows sort right after ours must never leak in.
      const neighbour = `${listId}0`;
      await storedDocs(accountId).bulk({
        docs: [
          { _id: neighbour, pvt_type: 'list', name: 'neighbour' },
          { _id: 'n-1', pvt_type: 'list_entry', list_id: neighbour, number: '1' },
        ],
      });
      allIds = docs.map((doc) => doc._id);
    });

    it('when paged by 50, then 3 pages of 50, 50, 20 with no duplicate and no gap', async () => {
      const { ids, pages } = await walkEntries(listId, { page_size: '50' });

      expect(pages).toEqual([50, 50, 20]);
      expect(ids).toEqual(allIds);
    });

    it('when no page_size is given, then pages of 50 by default', async () => {
      const { pages } = await walkEntries(listId, {});

      expect(pages).toEqual([50, 50, 20]);
    });

    it('when paginate=false, then all 120 rows and no pagination keys', async () => {
      const res = await app.http
        .get(listsPath(listId, 'entries'))
        .query({ paginate: 'false' })
        .set('X-Auth-Token', token);

      expect(res.status).toBe(200);
      expect((res.body.data as Row[]).map((row) => row.id)).toEqual(allIds);
      expect(res.body).not.toHaveProperty('page_size');
      expect(res.body).not.toHaveProperty('next_start_key');
    });

    it('when filtered, then the filter runs before pagination and pages still advance', async () => {
      const { ids, pages } = await walkEntries(listId, { page_size: '15', filter_type: 'three' });

      expect(ids).toEqual(allIds.filter((_, i) => i % 3 === 0));
      expect(pages).toEqual([15, 15, 10]);
    });

    it('when start_key is a plain entry id, then the page starts at that entry', async () => {
      const res = await app.http
        .get(listsPath(listId, 'entries'))
        .query({ start_key: 'e-100', page_size: '5' })
        .set('X-Auth-Token', token);

      expect(res.status).toBe(200);
      expect((res.body.data as Row[]).map((row) => row.id)).toEqual([
        'e-100',
        'e-101',
        'e-102',
        'e-103',
        'e-104',
      ]);
      expect(res.body.start_key).toBe('e-100');
    });

    it('when start_key points into another list, then it cannot reach that list', async () => {
      const crafted = Buffer.from(JSON.stringify({ k: ['0'], d: 'x' })).toString('base64url');

      const res = await app.http
        .get(listsPath(listId, 'entries'))
        .query({ start_key: crafted, paginate: 'true', page_size: '1000' })
        .set('X-Auth-Token', token);

      expect(res.status).toBe(200);
      expect((res.body.data as Row[]).map((row) => row.id)).toEqual(allIds);
    });
  });

  it("when the list embeds legacy entries, then they are listed as KAZOO's view gives them", async () => {
    const listId = await createList({
      name: 'legacy',
      entries: { k1: { cid_number: '111', cid_name: 'One' }, k2: { number: '222' } },
    });
    const entryId = await createEntry(listId, { number: '333' });

    const { ids } = await walkEntries(listId, { page_size: '1' });
    const res = await app.http
      .get(listsPath(listId, 'entries'))
      .query({ paginate: 'false' })
      .set('X-Auth-Token', token);

    expect(ids).toHaveLength(3);
    expect(res.body.data).toEqual(
      expect.arrayContaining([
        { id: listId, key: listId, value: { capture_group_key: 'k1', number: '111', name: 'One' } },
        { id: listId, key: listId, value: { capture_group_key: 'k2', number: '222' } },
        { id: entryId, key: listId, value: { number: '333' } },
      ]),
    );
  });

  it('when a key_missing or has_value filter is given, then rows are kept by the stored doc', async () => {
    const listId = await createList();
    const withProfile = await createEntry(listId, { number: '1', profile: { title: 'x' } });
    await createEntry(listId, { number: '2' });

    const res = await app.http
      .get(listsPath(listId, 'entries'))
      .query({ has_value: 'profile.title' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ id: withProfile, key: listId, value: { number: '1' } }]);
  });

  it('when the list is unknown, then 404 bad_identifier', async () => {
    const res = await app.http.get(listsPath('nosuchlist', 'entries')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });

  it('when the list was deleted, then 404 bad_identifier', async () => {
    const listId = await createList();
    await app.http.delete(listsPath(listId)).set('X-Auth-Token', token).expect(200);

    const res = await app.http.get(listsPath(listId, 'entries')).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(listId));
  });
});

describe('DELETE /v2/accounts/:accountId/lists/:listId/entries', () => {
  it('when entries exist, then all are hard-deleted, the rows returned and the list kept', async () => {
    const listId = await createList();
    const a = await createEntry(listId, { number: '1', displayname: 'A' });
    const b = await createEntry(listId, { number: '2' });

    const res = await app.http.delete(listsPath(listId, 'entries')).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    const expected = [
      { id: a, key: listId, value: { number: '1', displayname: 'A' } },
      { id: b, key: listId, value: { number: '2' } },
    ].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(res.body).toEqual(successEnvelope(expected, { auth_token: token }));
    expect(res.body).not.toHaveProperty('page_size');
    expect(await readStored(accountId, a)).toBeUndefined();
    expect(await readStored(accountId, b)).toBeUndefined();
    const list = await app.http.get(listsPath(listId)).set('X-Auth-Token', token);
    expect(list.status).toBe(200);
    const listing = await app.http.get(listsPath(listId, 'entries')).set('X-Auth-Token', token);
    expect(listing.body.data).toEqual([]);
  });

  it('when the list has no entries, then 200 with an empty array', async () => {
    const listId = await createList();

    const res = await app.http.delete(listsPath(listId, 'entries')).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('when the list is unknown, then 404 bad_identifier', async () => {
    const res = await app.http
      .delete(listsPath('nosuchlist', 'entries'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });
});

describe('GET /v2/accounts/:accountId/lists/:listId/entries/:entryId', () => {
  let listId: string;
  let entryId: string;

  beforeAll(async () => {
    listId = await createList();
    entryId = await createEntry(listId, { number: '0123', displayname: 'List Entry' });
  });

  it('when the entry exists, then 200 with the flat public doc and ETag', async () => {
    const res = await app.http
      .get(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        { id: entryId, list_id: listId, number: '0123', displayname: 'List Entry', profile: {} },
        { auth_token: token, revision: expect.stringMatching(/^1-/) },
      ),
    );
    expect(res.headers.etag).toBe(`"${res.body.revision as string}"`);
  });

  it('when the entry belongs to another list, then 404 with the entry id', async () => {
    const other = await createList();

    const res = await app.http.get(listsPath(other, 'entries', entryId)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(entryId));
  });

  it('when the list is unknown, then 404 with the list id', async () => {
    const res = await app.http
      .get(listsPath('nosuchlist', 'entries', entryId))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });

  it('when the entry is unknown, then 404 with the entry id', async () => {
    const res = await app.http
      .get(listsPath(listId, 'entries', 'nosuchentry'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchentry'));
  });

  it('when the id names the list itself, then 404 (not a list_entry)', async () => {
    const res = await app.http.get(listsPath(listId, 'entries', listId)).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(listId));
  });
});

describe('POST /v2/accounts/:accountId/lists/:listId/entries/:entryId', () => {
  it('when a new body is posted without list_id, then 200 and keys not sent are removed', async () => {
    const listId = await createList();
    const entryId = await createEntry(listId, {
      number: '1',
      firstname: 'First',
      profile: { title: 'x' },
    });

    const res = await app.http
      .post(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token)
      .send({ data: { number: '0123', displayname: 'New List Entry' } });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        {
          id: entryId,
          list_id: listId,
          number: '0123',
          displayname: 'New List Entry',
          profile: {},
        },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    expect(await readStored(accountId, entryId)).toMatchObject({
      pvt_type: 'list_entry',
      list_id: listId,
    });
  });

  it('when the fetched entry is posted back with its id, then 200', async () => {
    const listId = await createList();
    const entryId = await createEntry(listId, { number: '1' });
    const fetched = await app.http
      .get(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token);

    const res = await app.http
      .post(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token)
      .send({ data: { ...fetched.body.data, lastname: 'Added' } });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ ...fetched.body.data, lastname: 'Added' });
  });

  it('when another list_id is posted, then it is overwritten with the URL list', async () => {
    const listId = await createList();
    const other = await createList();
    const entryId = await createEntry(listId, { number: '1' });

    const res = await app.http
      .post(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token)
      .send({ data: { number: '2', list_id: other } });

    expect(res.status).toBe(200);
    expect(res.body.data.list_id).toBe(listId);
  });

  it('when the body is invalid, then 400 before the entry is looked for', async () => {
    const listId = await createList();

    const res = await app.http
      .post(listsPath(listId, 'entries', 'nosuchentry'))
      .set('X-Auth-Token', token)
      .send({ data: { type: '' } });

    expect(res.status).toBe(400);
    expect(res.body.data).toEqual({
      type: {
        minLength: { message: 'String must be at least 1 characters', target: 1, value: '' },
      },
    });
  });

  it('when the entry belongs to another list, then 404 and nothing changes', async () => {
    const listId = await createList();
    const other = await createList();
    const entryId = await createEntry(listId, { number: '1' });

    const res = await app.http
      .post(listsPath(other, 'entries', entryId))
      .set('X-Auth-Token', token)
      .send({ data: { number: 'hijacked' } });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(entryId));
    expect(await readStored(accountId, entryId)).toMatchObject({ number: '1', list_id: listId });
  });
});

describe('PATCH /v2/accounts/:accountId/lists/:listId/entries/:entryId', () => {
  it('when firstname is patched in, then 200 with number and profile kept', async () => {
    const listId = await createList();
    const entryId = await createEntry(listId, { number: '0123', profile: { title: 'Dr' } });

    const res = await app.http
      .patch(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token)
      .send({ data: { firstname: 'First name' } });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      successEnvelope(
        {
          id: entryId,
          list_id: listId,
          number: '0123',
          firstname: 'First name',
          profile: { title: 'Dr' },
        },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
  });

  it('when a nested profile key is patched, then the profile is merged', async () => {
    const listId = await createList();
    const entryId = await createEntry(listId, { number: '1', profile: { title: 'Dr' } });

    const res = await app.http
      .patch(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token)
      .send({ data: { profile: { role: 'boss' }, list_id: 'elsewhere' } });

    expect(res.status).toBe(200);
    expect(res.body.data.profile).toEqual({ title: 'Dr', role: 'boss' });
    expect(res.body.data.list_id).toBe(listId);
  });

  it('when the patch makes the entry invalid, then 400', async () => {
    const listId = await createList();
    const entryId = await createEntry(listId, { number: '1' });

    const res = await app.http
      .patch(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token)
      .send({ data: { lastname: '' } });

    expect(res.status).toBe(400);
    expect(Object.keys(res.body.data as object)).toEqual(['lastname']);
  });

  it('when the entry is unknown, then 404', async () => {
    const listId = await createList();

    const res = await app.http
      .patch(listsPath(listId, 'entries', 'nosuchentry'))
      .set('X-Auth-Token', token)
      .send({ data: { number: '1' } });

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchentry'));
  });
});

describe('DELETE /v2/accounts/:accountId/lists/:listId/entries/:entryId', () => {
  it('when the entry exists, then soft-deleted: 200 with _read_only.deleted, then 404', async () => {
    const listId = await createList();
    const entryId = await createEntry(listId, { number: '1' });

    const res = await app.http
      .delete(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        {
          id: entryId,
          list_id: listId,
          number: '1',
          profile: {},
          _read_only: { deleted: true },
        },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    expect(await readStored(accountId, entryId)).toMatchObject({ pvt_deleted: true });
    const fetched = await app.http
      .get(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token);
    expect(fetched.status).toBe(404);
    expect(fetched.body).toEqual(badIdentifier(entryId));
  });

  it('when the entry belongs to another list, then 404 and it stays', async () => {
    const listId = await createList();
    const other = await createList();
    const entryId = await createEntry(listId, { number: '1' });

    const res = await app.http
      .delete(listsPath(other, 'entries', entryId))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(entryId));
    expect(await readStored(accountId, entryId)).not.toHaveProperty('pvt_deleted');
  });
});
