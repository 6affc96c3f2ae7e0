/**
 * The Lists-based clients (spec clients.md §3, §4, §10, §11; lists.md): the Address Books app
 * (`vbarkasov/monster-ui-addressbooks`), the Zotonic portal's lists and entries
 * (`onnet/zotonic_mod_kazoo` `kazoo_util.erl`), KAZOO's `pqc_cb_lists_v2` sequence, and the callflow
 * list pickers. Each test sends what the client sends and checks what it reads.
 */
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  apiKeyToken,
  createAccount,
  expectJsonHeaders,
  loginAsAdmin,
  rawRequest,
  readStored,
  successEnvelope,
  type RawResponse,
} from '../../helpers/api';
import { CACHE_BUSTER, listsPath, UI_METADATA } from '../../helpers/clients';

let app: TestApp;
let admin: string;
let accountId: string;
/** The account's own token, as a user of that account logged into monster-ui would hold. */
let token: string;

beforeAll(async () => {
  app = await startTestApp();
  admin = await loginAsAdmin(app);
  accountId = await createAccount(app, admin, app.deps.masterAccountId);
  token = await apiKeyToken(app, admin, accountId);
});

afterAll(async () => {
  await app.close();
});

type Verb = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** `monster.request`: token, JSON Content-Type, `?_=` on GET, `ui_metadata` in every non-GET body. */
function monster(method: Verb, path: string, data?: Record<string, unknown>) {
  if (method === 'get')
    return app.http
      .get(`${path}?${CACHE_BUSTER}`)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'application/json');
  return app.http[method](path)
    .set('X-Auth-Token', token)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ data: { ...data, ui_metadata: UI_METADATA } }));
}

async function createList(data: Record<string, unknown>): Promise<string> {
  const res = await monster('put', listsPath(accountId), data);
  if (res.status !== 201) throw new Error(`list create failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

async function createEntry(listId: string, data: Record<string, unknown>): Promise<string> {
  const res = await monster('put', listsPath(accountId, listId, 'entries'), data);
  if (res.status !== 201) throw new Error(`entry create failed: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

interface EntryRow {
  id: string;
  key: string;
  value: Record<string, unknown>;
}

describe('Address Books app (vbarkasov/monster-ui-addressbooks app.js)', () => {
  it('GET accounts/{A}/lists: reads data[].id and data[].name, and every row has a string name to sort by name.toLowerCase()', async () => {
    const first = await createList({ name: 'Zeta book' });
    const second = await createList({ name: 'alpha book', description: 'A' });

    const res = await monster('get', listsPath(accountId));

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    const rows = res.body.data as Array<{ id: string; name: unknown }>;
    expect(rows.every((row) => typeof row.name === 'string')).toBe(true);
    const sorted = [...rows]
      .sort((a, b) => String(a.name).toLowerCase().localeCompare(String(b.name).toLowerCase()))
      .map((row) => row.id);
    expect(sorted.indexOf(second)).toBeLessThan(sorted.indexOf(first));
  });

  it('PUT accounts/{A}/lists {name, description, org} (+ ui_metadata) → 201, reads data.id', async () => {
    const res = await monster('put', listsPath(accountId), {
      name: 'Suppliers',
      description: 'Who we buy from',
      org: 'ACME, Inc.',
    });

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: 'Suppliers',
      description: 'Who we buy from',
      org: 'ACME, Inc.',
      ui_metadata: UI_METADATA,
    });
  });

  it('PUT accounts/{A}/lists with {name} only → 201, reads data.id', async () => {
    const res = await monster('put', listsPath(accountId), { name: 'Just a name' });

    expect(res.status).toBe(201);
    expect(res.body.data.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('GET accounts/{A}/lists/{L}: reads data.name, data.description and data.org', async () => {
    const listId = await createList({ name: 'Partners', description: 'Close ones', org: 'Org' });

    const res = await monster('get', listsPath(accountId, listId));

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({
      id: listId,
      name: 'Partners',
      description: 'Close ones',
      org: 'Org',
    });
  });

  it('POST accounts/{A}/lists/{L} with the full form {name, description, org} → 200 with data', async () => {
    const listId = await createList({ name: 'Before', description: 'old', org: 'Old org' });

    const res = await monster('post', listsPath(accountId, listId), {
      name: 'After',
      description: 'new',
      org: 'New org',
    });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toEqual({
      id: listId,
      name: 'After',
      description: 'new',
      org: 'New org',
      ui_metadata: UI_METADATA,
    });
  });

  it('PUT …/entries {displayname, firstname, lastname, number, type} → 201, reads data.id and the fields', async () => {
    const listId = await createList({ name: 'Entries book' });
    const form = {
      displayname: 'Jane D.',
      firstname: 'Jane',
      lastname: 'Doe',
      number: '+33123456789',
      type: 'work',
    };

    const res = await monster('put', listsPath(accountId, listId, 'entries'), form);

    expect(res.status).toBe(201);
    expectJsonHeaders(res);
    expect(res.body.data).toEqual({
      ...form,
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      list_id: listId,
      profile: {},
      ui_metadata: UI_METADATA,
    });
  });

  it('GET …/entries: rows keep the raw {id, key, value} shape with value.displayname/firstname/lastname/number/pattern/type', async () => {
    const listId = await createList({ name: 'Rows book' });
    const withNumber = await createEntry(listId, {
      displayname: 'Num',
      firstname: 'N',
      lastname: 'Umber',
      number: '100',
      type: 'home',
    });
    const withPattern = await createEntry(listId, { displayname: 'Pat', pattern: '^2\\d+$' });

    const res = await monster('get', listsPath(accountId, listId, 'entries'));

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    const byId = Object.fromEntries(
      (res.body.data as EntryRow[]).map((row) => [row.id, row] as const),
    );
    expect(byId[withNumber]).toEqual({
      id: withNumber,
      key: listId,
      value: { displayname: 'Num', firstname: 'N', lastname: 'Umber', number: '100', type: 'home' },
    });
    expect(byId[withPattern]).toEqual({
      id: withPattern,
      key: listId,
      value: { displayname: 'Pat', pattern: '^2\\d+$' },
    });
  });

  it('CSV import = twenty parallel PUTs of entries → all 201 with distinct ids, all listed', async () => {
    const listId = await createList({ name: 'Import book' });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        monster('put', listsPath(accountId, listId, 'entries'), {
          displayname: `Imported ${i}`,
          number: String(5000 + i),
        }),
      ),
    );
    const listing = await app.http
      .get(`${listsPath(accountId, listId, 'entries')}?paginate=false&${CACHE_BUSTER}`)
      .set('X-Auth-Token', token);

    expect(results.map((res) => res.status)).toEqual(Array(20).fill(201));
    const ids = results.map((res) => res.body.data.id as string);
    expect(new Set(ids).size).toBe(20);
    expect((listing.body.data as EntryRow[]).map((row) => row.id).sort()).toEqual([...ids].sort());
  });

  it('GET …/entries/{E}: reads the flat doc', async () => {
    const listId = await createList({ name: 'Flat book' });
    const entryId = await createEntry(listId, { displayname: 'Flat', number: '200' });

    const res = await monster('get', listsPath(accountId, listId, 'entries', entryId));

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toEqual({
      id: entryId,
      list_id: listId,
      displayname: 'Flat',
      number: '200',
      profile: {},
      ui_metadata: UI_METADATA,
    });
  });

  it('POST …/entries/{E} with the previous doc merged with the form (id, list_id, ui_metadata, profile; number swapped for pattern) → 200 flat doc', async () => {
    const listId = await createList({ name: 'Edit book' });
    const entryId = await createEntry(listId, { displayname: 'Old', number: '300' });
    const previous = (await monster('get', listsPath(accountId, listId, 'entries', entryId))).body
      .data as Record<string, unknown>;
    const { number: _unused, ...kept } = previous;

    const res = await monster('post', listsPath(accountId, listId, 'entries', entryId), {
      ...kept,
      displayname: 'New',
      pattern: '^3',
    });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toEqual({
      id: entryId,
      list_id: listId,
      displayname: 'New',
      pattern: '^3',
      profile: {},
      ui_metadata: UI_METADATA,
    });
  });

  it('GET …/entries/{E}/vcard?auth_token=<t>&_=<rand> by raw XHR with no X-Auth-Token header → 200, the .vcf text', async () => {
    const listId = await createList({ name: 'Card book', org: 'ACME, Inc.' });
    const entryId = await createEntry(listId, {
      number: '0123',
      firstname: 'Jane',
      lastname: 'Doe',
      displayname: 'JD',
    });

    const res = await rawRequest(app, {
      method: 'GET',
      path: `${listsPath(accountId, listId, 'entries', entryId, 'vcard')}?auth_token=${token}&_=0.6180339887`,
      headers: { Accept: '*/*' },
    });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/x-vcard');
    expect(res.text).toBe(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Jane Doe',
        'N:Doe;Jane;;;',
        'ORG:ACME\\, Inc.',
        'NICKNAME:JD',
        'TEL;TYPE=VOICE:0123',
        'END:VCARD',
        '',
      ].join('\r\n'),
    );
  });

  it('POST …/entries/{E}/photo as FormData with field fileToUpload (the app’s commented-out code) → 200 with the entry', async () => {
    const listId = await createList({ name: 'Photo book' });
    const entryId = await createEntry(listId, { displayname: 'Face' });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

    const res = await app.http
      .post(listsPath(accountId, listId, 'entries', entryId, 'photo'))
      .set('X-Auth-Token', token)
      .attach('fileToUpload', jpeg, { filename: 'face.jpg', contentType: 'image/jpeg' });

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({ id: entryId, displayname: 'Face' });
  });

  it('DELETE …/entries/{E} with {} (+ ui_metadata) → 200, reads data', async () => {
    const listId = await createList({ name: 'Drop one book' });
    const entryId = await createEntry(listId, { displayname: 'Gone' });

    const res = await monster('delete', listsPath(accountId, listId, 'entries', entryId), {});

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({
      id: entryId,
      displayname: 'Gone',
      _read_only: { deleted: true },
    });
  });

  it('DELETE …/lists/{L}/entries with {} → 200 (ignored by the app), and the list is emptied', async () => {
    const listId = await createList({ name: 'Clear book' });
    await createEntry(listId, { displayname: 'One' });
    await createEntry(listId, { displayname: 'Two' });

    const res = await monster('delete', listsPath(accountId, listId, 'entries'), {});
    const after = await monster('get', listsPath(accountId, listId, 'entries'));

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(after.body.data).toEqual([]);
  });

  it('DELETE accounts/{A}/lists/{L} with {} + ui_metadata → 200, reads data', async () => {
    const listId = await createList({ name: 'Doomed book' });

    const res = await monster('delete', listsPath(accountId, listId), {});

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toMatchObject({
      id: listId,
      name: 'Doomed book',
      _read_only: { deleted: true },
    });
  });

  it('the UI limits mirror the schemas: a 129-char list name and a 129-char entry displayname → 400 maxLength 128', async () => {
    const listId = await createList({ name: 'Limits book' });
    const long = 'x'.repeat(129);

    const list = await monster('put', listsPath(accountId), { name: long });
    const entry = await monster('put', listsPath(accountId, listId, 'entries'), {
      displayname: long,
    });

    const maxLength = {
      maxLength: {
        message: 'String must not be more than 128 characters',
        target: 128,
        value: long,
      },
    };
    expect(list.status).toBe(400);
    expect(list.body.data).toEqual({ name: maxLength });
    expect(entry.status).toBe(400);
    expect(entry.body.data).toEqual({ displayname: maxLength });
  });
});

describe('Zotonic portal lists and entries (onnet/zotonic_mod_kazoo kazoo_util.erl)', () => {
  /** JSON Content-Type, token and an Erlang node as User-Agent on every call; GET/DELETE bodies empty. */
  function zotonic(method: string, path: string, data?: Record<string, unknown>) {
    return rawRequest(app, {
      method,
      path,
      headers: {
        'Content-Type': 'application/json',
        'X-Auth-Token': token,
        'User-Agent': 'zotonic001@portal.example.com',
      },
      body: data === undefined ? '' : JSON.stringify({ data }),
    });
  }

  function dataOf(res: RawResponse): Record<string, unknown> {
    expect(res.headers['content-type']).toBe('application/json');
    return (res.body as { data: Record<string, unknown> }).data;
  }

  it('PUTs /lists {name, description, list_type} (phone_book, dynamic_cid) → 201 each, list_type kept', async () => {
    const book = await zotonic('PUT', listsPath(accountId), {
      name: 'Phone book',
      description: 'Contacts',
      list_type: 'phone_book',
    });
    const cid = await zotonic('PUT', listsPath(accountId), {
      name: 'CID list',
      description: 'Dynamic caller id',
      list_type: 'dynamic_cid',
    });

    expect([book.status, cid.status]).toEqual([201, 201]);
    expect(dataOf(book)).toMatchObject({ name: 'Phone book', list_type: 'phone_book' });
    expect(dataOf(cid)).toMatchObject({ name: 'CID list', list_type: 'dynamic_cid' });
  });

  it('GETs /lists/{L} with an empty body, then POSTs the fetched doc plus changes → 200', async () => {
    const created = await zotonic('PUT', listsPath(accountId), {
      name: 'Zotonic list',
      list_type: 'phone_book',
    });
    const listId = dataOf(created).id as string;
    const fetched = await zotonic('GET', listsPath(accountId, listId));

    const res = await zotonic('POST', listsPath(accountId, listId), {
      ...dataOf(fetched),
      description: 'Changed by the portal',
    });

    expect(fetched.status).toBe(200);
    expect(res.status).toBe(200);
    expect(dataOf(res)).toEqual({
      id: listId,
      name: 'Zotonic list',
      list_type: 'phone_book',
      description: 'Changed by the portal',
    });
  });

  it('GETs /lists/{L}/entries and reads value.number of each row', async () => {
    const listId = dataOf(await zotonic('PUT', listsPath(accountId), { name: 'Numbers' }))
      .id as string;
    await zotonic('PUT', listsPath(accountId, listId, 'entries'), {
      number: '4155550100',
      displayname: 'Front desk',
    });

    const res = await zotonic('GET', listsPath(accountId, listId, 'entries'));

    expect(res.status).toBe(200);
    const rows = dataOf(res) as unknown as EntryRow[];
    expect(rows.map((row) => row.value.number)).toEqual(['4155550100']);
  });

  it('PUTs entries {number, displayname} and {cid_key, cid_name, cid_number}: extra keys are stored', async () => {
    const listId = dataOf(
      await zotonic('PUT', listsPath(accountId), { name: 'Dyn', list_type: 'dynamic_cid' }),
    ).id as string;

    const plain = await zotonic('PUT', listsPath(accountId, listId, 'entries'), {
      number: '200',
      displayname: 'Two hundred',
    });
    const cid = await zotonic('PUT', listsPath(accountId, listId, 'entries'), {
      cid_key: '1',
      cid_name: 'Sales',
      cid_number: '+14155550111',
    });

    expect([plain.status, cid.status]).toEqual([201, 201]);
    const stored = await readStored(accountId, dataOf(cid).id as string);
    expect(stored).toMatchObject({
      cid_key: '1',
      cid_name: 'Sales',
      cid_number: '+14155550111',
      list_id: listId,
      pvt_type: 'list_entry',
    });
  });

  it('POST/GET/DELETE /entries/{E} (GET and DELETE with an empty body) → 200 each', async () => {
    const listId = dataOf(await zotonic('PUT', listsPath(accountId), { name: 'CRUD' }))
      .id as string;
    const entryId = dataOf(
      await zotonic('PUT', listsPath(accountId, listId, 'entries'), { number: '1' }),
    ).id as string;
    const path = listsPath(accountId, listId, 'entries', entryId);

    const posted = await zotonic('POST', path, { number: '2', displayname: 'Two' });
    const fetched = await zotonic('GET', path);
    const deleted = await zotonic('DELETE', path);
    const gone = await zotonic('GET', path);

    expect([posted.status, fetched.status, deleted.status, gone.status]).toEqual([
      200, 200, 200, 404,
    ]);
    expect(dataOf(fetched)).toMatchObject({ id: entryId, number: '2', displayname: 'Two' });
  });

  it('DELETEs /lists/{L} with an empty body → 200', async () => {
    const listId = dataOf(await zotonic('PUT', listsPath(accountId), { name: 'To delete' }))
      .id as string;

    const res = await zotonic('DELETE', listsPath(accountId, listId));

    expect(res.status).toBe(200);
    expect(dataOf(res)).toMatchObject({ id: listId, _read_only: { deleted: true } });
  });
});

describe('KAZOO PQC pqc_cb_lists_v2:seq/0', () => {
  it('GET /lists = [] → PUT {name:<8 hex>} 201 → PATCH {custom:"value"} 200 → summary has exactly that id → DELETE 200 → summary [] at once', async () => {
    const masterToken = await apiKeyToken(app, admin, app.deps.masterAccountId);
    const headers = {
      'X-Auth-Token': masterToken,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    const seqAccount = await createAccount(app, masterToken, app.deps.masterAccountId);
    const name = 'a1b2c3d4';

    const empty = await app.http
      .get(listsPath(seqAccount))
      .set({ ...headers, 'X-Request-ID': 'pqc_cb_lists_v2-1' });
    const created = await app.http
      .put(listsPath(seqAccount))
      .set({ ...headers, 'X-Request-ID': 'pqc_cb_lists_v2-2' })
      .send(JSON.stringify({ data: { name } }));
    const listId = created.body.data.id as string;
    const patched = await app.http
      .patch(listsPath(seqAccount, listId))
      .set({ ...headers, 'X-Request-ID': 'pqc_cb_lists_v2-3' })
      .send(JSON.stringify({ data: { custom: 'value' } }));
    const summary = await app.http.get(listsPath(seqAccount)).set(headers);
    const deleted = await app.http
      .delete(listsPath(seqAccount, listId))
      .set(headers)
      .send('{"data":{}}');
    const emptyAgain = await app.http.get(listsPath(seqAccount)).set(headers);

    expect(empty.status).toBe(200);
    expect(empty.body.data).toEqual([]);
    expect(empty.headers['x-request-id']).toBe('pqc_cb_lists_v2-1');
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.body).toMatchObject(
      successEnvelope(
        { id: listId, name },
        {
          request_id: 'pqc_cb_lists_v2-2',
          auth_token: masterToken,
          revision: expect.any(String),
        },
      ),
    );
    expect(patched.status).toBe(200);
    expect(patched.headers['content-type']).toBe('application/json');
    expect(patched.body.data).toEqual({ id: listId, name, custom: 'value' });
    expect((summary.body.data as Array<{ id: string }>).map((row) => row.id)).toEqual([listId]);
    expect(deleted.status).toBe(200);
    expect(emptyAgain.status).toBe(200);
    expect(emptyAgain.body.data).toEqual([]);
  });
});

describe('Callflow list pickers (cidlistmatch submodule of a callflows fork)', () => {
  it('GET accounts/{A}/lists: every row carries id and name (plus description/list_type when set), nothing else', async () => {
    const pickerAccount = await createAccount(app, admin, app.deps.masterAccountId);
    const pickerToken = await apiKeyToken(app, admin, pickerAccount);
    const created = await app.http
      .put(listsPath(pickerAccount))
      .set('X-Auth-Token', pickerToken)
      .send({ data: { name: 'Blocked callers', list_type: 'phone_book', org: 'not in rows' } });
    const bare = await app.http
      .put(listsPath(pickerAccount))
      .set('X-Auth-Token', pickerToken)
      .send({ data: { name: 'VIP', description: 'Very important' } });

    const res = await app.http
      .get(`${listsPath(pickerAccount)}?${CACHE_BUSTER}`)
      .set('X-Auth-Token', pickerToken);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    const expected = [
      { id: created.body.data.id, name: 'Blocked callers', list_type: 'phone_book' },
      { id: bare.body.data.id, name: 'VIP', description: 'Very important' },
    ].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(res.body.data).toEqual(expected);
  });
});
