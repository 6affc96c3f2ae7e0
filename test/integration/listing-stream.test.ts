/**
 * `paginate=false` on a listing longer than the service holds in memory (core.md §9): the answer
 * is streamed (chunked, no Content-Length) yet is the same envelope, CSV or JSONP a short listing
 * gets, with a tag that 304s until the database changes. 1,500 things, 1,100 of them in group a.
 */
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createThing,
  createThings,
  inParallel,
  listingRevision,
  rawRequest,
  setupAccount,
  successEnvelope,
  thingsPath,
  type RawResponse,
} from '../helpers/api';

const COUNT = 1500;
const IN_GROUP_A = 1100;
const EXPIRES = 'Fri, 01 Jan 1999 00:00:00 GMT';

let app: TestApp;
let token: string;
let accountId: string;
/** Every thing's summary, as the paged listing gives them, in order. */
let everyThing: Array<{ id: string; name: string }>;

function name(n: number): string {
  return `thing ${String(n).padStart(4, '0')}`;
}

beforeAll(async () => {
  app = await startTestApp();
  ({ token, accountId } = await setupAccount(app));
  await createThings(app, token, accountId, COUNT, (n) => ({
    name: name(n),
    group: n < IN_GROUP_A ? 'a' : 'b',
  }));
  everyThing = [];
  let startKey: string | undefined;
  do {
    const query = `page_size=1000${startKey ? `&start_key=${startKey}` : ''}`;
    const page = await get(`${thingsPath(accountId)}?${query}`);
    everyThing.push(...(page.body as { data: Array<{ id: string; name: string }> }).data);
    startKey = (page.body as { next_start_key?: string }).next_start_key;
  } while (startKey);
}, 120_000);

afterAll(async () => {
  await app.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(app, { method: 'GET', path, headers: { 'X-Auth-Token': token, ...headers } });
}

function everything(query = ''): string {
  return `${thingsPath(accountId)}?paginate=false${query}`;
}

function expectStreamed(res: RawResponse): void {
  expect(res.status).toBe(200);
  expect(res.headers['transfer-encoding']).toBe('chunked');
  expect(res.headers['content-length']).toBeUndefined();
  expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
  expect(res.headers.expires).toBe(EXPIRES);
}

describe('GET …/things?paginate=false with more things than one answer holds', () => {
  it('when asked, then every thing in one streamed envelope, without pagination keys', async () => {
    const res = await get(everything());

    expectStreamed(res);
    expect(res.headers['content-type']).toBe('application/json');
    expect(everyThing).toHaveLength(COUNT);
    expect(res.body).toEqual(
      successEnvelope(everyThing, {
        auth_token: token,
        revision: res.headers.etag!.replace(/"/g, ''),
      }),
    );
    // Written as JSON.stringify writes the envelope: `data` first, no spaces.
    expect(res.text).toBe(JSON.stringify(res.body));
    expect(Object.keys(res.body as object)[0]).toBe('data');
  });

  it('when asked again with nothing changed, then the same tag; with If-None-Match, then 304 and no body', async () => {
    const first = await get(everything());
    const second = await get(everything());
    expect(second.headers.etag).toBe(first.headers.etag);

    const res = await get(everything(), { 'If-None-Match': first.headers.etag! });

    expect(res.status).toBe(304);
    expect(res.text).toBe('');
    expect(res.headers.etag).toBe(first.headers.etag);
  });

  it('when a thing is added after the tag was given, then If-None-Match gets 200 and a new tag, the new thing included', async () => {
    const before = await get(everything());
    const added = await createThing(app, token, accountId, { name: 'zz late', group: 'c' });

    const res = await get(everything(), { 'If-None-Match': before.headers.etag! });

    expectStreamed(res);
    expect(res.headers.etag).not.toBe(before.headers.etag);
    const data = (res.body as { data: Array<{ id: string }> }).data;
    expect(data).toHaveLength(COUNT + 1);
    expect(data.map((thing) => thing.id)).toContain(added.id);
    const removed = await app.http
      .delete(thingsPath(accountId, added.id))
      .set('X-Auth-Token', token)
      .query({ should_soft_delete: 'false' });
    expect(removed.status).toBe(200);
  });

  it('when pretty printed (X-Pretty-Print), then indented exactly as a whole envelope is', async () => {
    const res = await get(everything(), { 'X-Pretty-Print': 'true' });

    expectStreamed(res);
    expect(res.text).toBe(JSON.stringify(res.body, null, 2));
    expect((res.body as { data: unknown[] }).data).toEqual(everyThing);
  });

  it('when jsonp names a callback, then the streamed envelope is wrapped in it as application/javascript', async () => {
    const res = await get(everything('&jsonp=render.things'));

    expectStreamed(res);
    expect(res.headers['content-type']).toBe('application/javascript');
    const match = /^render\.things\((.*)\);$/s.exec(res.text);
    expect(match).not.toBeNull();
    expect(JSON.parse(match![1]!)).toEqual(
      successEnvelope(everyThing, { auth_token: token, revision: expect.any(String) }),
    );
  });

  it.each([
    ['accept=csv', '&accept=csv', {}],
    ['Accept: text/csv', '', { Accept: 'text/csv' }],
  ])(
    'when CSV is asked for (%s), then one streamed table with a header row',
    async (_, query, headers) => {
      const res = await get(everything(query), headers);

      expectStreamed(res);
      expect(res.headers['content-type']).toBe('text/csv');
      expect(res.headers['content-disposition']).toBe('attachment; filename="things.csv"');
      const lines = everyThing.map((thing) => `${thing.id},${thing.name}\r\n`);
      expect(res.text).toBe(`id,name\r\n${lines.join('')}`);
    },
  );

  it('when HEAD, then the headers of the streamed answer and no body', async () => {
    const got = await get(everything());
    const res = await rawRequest(app, {
      method: 'HEAD',
      path: everything(),
      headers: { 'X-Auth-Token': token },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers.etag).toBe(got.headers.etag);
    expect(res.headers['content-length']).toBeUndefined();
  });

  it('when HEAD asks for CSV, then the CSV headers and no body', async () => {
    const res = await rawRequest(app, {
      method: 'HEAD',
      path: everything('&accept=csv'),
      headers: { 'X-Auth-Token': token },
    });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBe('text/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="things.csv"');
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('when filtered to more than one answer holds, then streamed, the filter applied to every chunk', async () => {
    const res = await get(everything('&filter_group=a'));

    expectStreamed(res);
    const data = (res.body as { data: Array<{ name: string }> }).data;
    expect(data).toEqual(everyThing.filter((thing) => thing.name < name(IN_GROUP_A)));
    expect(data).toHaveLength(IN_GROUP_A);
  });

  it('when filtered to fewer, then one whole answer as ever: Content-Length, and md5 of the data as its tag', async () => {
    const res = await get(everything('&filter_group=b'));

    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    const data = (res.body as { data: unknown[] }).data;
    expect(data).toEqual(everyThing.filter((thing) => thing.name >= name(IN_GROUP_A)));
    expect(res.headers.etag).toBe(`"${listingRevision(data)}"`);
    expect((res.body as { revision: string }).revision).toBe(listingRevision(data));
  });

  it('when streamed, then the end is logged with the request id and the bytes sent', async () => {
    const res = await get(everything(), { 'X-Request-ID': 'stream-log-check' });
    expectStreamed(res);

    const line = app.logs.lines
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.request_id === 'stream-log-check' && entry.msg === 'streamed listing');
    expect(line).toMatchObject({ bytes: Buffer.byteLength(res.text), module: 'things' });
  });
});

describe('GET …/lists/{L}/entries?paginate=false with more entries than one answer holds', () => {
  const ENTRIES = 1050;
  let listId: string;
  let otherListId: string;

  async function createList(listName: string): Promise<string> {
    const res = await app.http
      .put(`/v2/accounts/${accountId}/lists`)
      .set('X-Auth-Token', token)
      .send({ data: { name: listName } });
    expect(res.status).toBe(201);
    return res.body.data.id as string;
  }

  async function createEntry(list: string, data: Record<string, unknown>): Promise<void> {
    const res = await app.http
      .put(`/v2/accounts/${accountId}/lists/${list}/entries`)
      .set('X-Auth-Token', token)
      .send({ data });
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    listId = await createList('big phone book');
    otherListId = await createList('another book');
    await inParallel(ENTRIES, (n) =>
      createEntry(listId, { displayname: `Entry ${n + 1}`, number: String(1_000_001 + n) }),
    );
    await createEntry(otherListId, { displayname: 'Not in the big book', number: '42' });
  }, 120_000);

  it("when asked, then every row of that list alone, in KAZOO's row shape, streamed", async () => {
    const res = await get(`/v2/accounts/${accountId}/lists/${listId}/entries?paginate=false`);

    expectStreamed(res);
    const rows = (res.body as { data: Array<{ id: string; key: string; value: unknown }> }).data;
    expect(rows).toHaveLength(ENTRIES);
    expect(new Set(rows.map((row) => row.id)).size).toBe(ENTRIES);
    for (const row of rows) {
      expect(row).toEqual({
        id: expect.any(String),
        key: listId,
        value: { displayname: expect.stringMatching(/^Entry \d+$/), number: expect.any(String) },
      });
    }
    expect([...rows.map((row) => row.id)].sort()).toEqual(rows.map((row) => row.id));
  });

  it('when CSV, then one row per entry, the nested value as dotted columns', async () => {
    const res = await get(
      `/v2/accounts/${accountId}/lists/${listId}/entries?paginate=false&accept=csv`,
    );

    expectStreamed(res);
    const lines = res.text.split('\r\n');
    // The value's keys in the order the view emits them.
    expect(lines[0]).toBe('id,key,value.number,value.displayname');
    expect(lines).toHaveLength(ENTRIES + 2);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1).every((line) => line.split(',')[1] === listId)).toBe(true);
  });
});
