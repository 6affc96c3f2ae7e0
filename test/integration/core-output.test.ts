/**
 * core.md §13.1 (CSV) and §13.3 (JSONP): output variants of JSON responses, exercised on the
 * things routes.
 */
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createAccount,
  createThing,
  errorEnvelope,
  expectJsonHeaders,
  setupAccount,
  thingsPath,
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

/** CSV records, the optional line break after the last one removed. */
function csvLines(text: string): string[] {
  return text.replace(/\r\n$/, '').split('\r\n');
}

describe('CSV output', () => {
  let csvAccountId: string;
  let rows: Array<{ id: string; name: string }>;

  beforeAll(async () => {
    csvAccountId = await createAccount(app, token, app.deps.masterAccountId);
    const plain = await createThing(app, token, csvAccountId, { id: 'csv-a', name: 'plain' });
    const quoted = await createThing(app, token, csvAccountId, {
      id: 'csv-b',
      name: 'Say "hi", then go',
    });
    rows = [
      { id: plain.id, name: 'plain' },
      { id: quoted.id, name: 'Say "hi", then go' },
    ];
  });

  it('when accept=csv is in the query, then text/csv with a header line, RFC 4180 quoting and CRLF', async () => {
    const res = await app.http
      .get(thingsPath(csvAccountId))
      .query({ accept: 'csv' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="things.csv"');
    expect(res.text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(csvLines(res.text)).toEqual([
      'id,name',
      `${rows[0]!.id},plain`,
      `${rows[1]!.id},"Say ""hi"", then go"`,
    ]);
  });

  it('when accept=text/csv is in the query, then CSV', async () => {
    const res = await app.http
      .get(thingsPath(csvAccountId))
      .query({ accept: 'text/csv' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv');
    expect(csvLines(res.text)[0]).toBe('id,name');
  });

  it.each(['text/csv', 'text/comma-separated-values'])(
    'when the Accept header is %s, then CSV',
    async (accept) => {
      const res = await app.http
        .get(thingsPath(csvAccountId))
        .set('X-Auth-Token', token)
        .set('Accept', accept);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv');
      expect(csvLines(res.text)).toHaveLength(3);
    },
  );

  it('when JSON is preferred over CSV in Accept, then JSON', async () => {
    const res = await app.http
      .get(thingsPath(csvAccountId))
      .set('X-Auth-Token', token)
      .set('Accept', 'application/json, text/csv;q=0.5');

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body.data).toEqual(rows);
  });

  it('when X-File-Name is sent, then it names the attachment', async () => {
    const res = await app.http
      .get(thingsPath(csvAccountId))
      .query({ accept: 'csv' })
      .set('X-Auth-Token', token)
      .set('X-File-Name', 'my-things.csv');

    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="my-things.csv"');
  });

  it('when file_name is a request value, then it names the attachment', async () => {
    const res = await app.http
      .get(thingsPath(csvAccountId))
      .query({ accept: 'csv', file_name: 'export.csv' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="export.csv"');
  });

  it('when a single thing is asked as CSV, then one row, nested objects flattened and arrays JSON-encoded', async () => {
    await createThing(app, token, csvAccountId, {
      id: 'csv-nested',
      name: 'nested',
      stuff: ['a', 'b'],
      custom: { x: 1, y: { z: 'q' } },
    });

    const res = await app.http
      .get(thingsPath(csvAccountId, 'csv-nested'))
      .query({ accept: 'csv' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv');
    const [header, row, ...rest] = csvLines(res.text);
    expect(rest).toEqual([]);
    const columns = (header ?? '').split(',');
    const cells: Record<string, string> = {
      id: 'csv-nested',
      name: 'nested',
      stuff: '"[""a"",""b""]"',
      'custom.x': '1',
      'custom.y.z': 'q',
    };
    expect([...columns].sort()).toEqual(Object.keys(cells).sort());
    expect(row).toBe(columns.map((column) => cells[column]).join(','));
  });

  it('when rows have different keys, then the columns are their union in first-seen order, missing cells empty', async () => {
    await createThing(app, token, csvAccountId, {
      id: 'csv-stuff',
      name: 'worker',
      stuff: ['wash', 'dry', 'wash'],
    });

    const res = await app.http
      .post(thingsPath(csvAccountId, 'csv-stuff', 'stuff'))
      .query({ accept: 'csv' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv');
    expect(csvLines(res.text)).toEqual(['wash,dry', 'done,', ',done', 'done,']);
  });

  it('when CSV is asked and the answer is an error, then it stays a JSON envelope', async () => {
    const res = await app.http
      .get(thingsPath(csvAccountId, 'missing'))
      .query({ accept: 'csv' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(404, 'bad_identifier', { cause: 'missing', message: 'bad identifier' }, token),
    );
  });
});

describe('JSONP output', () => {
  it('when jsonp=<fn> is sent, then the envelope wrapped in <fn>(…); as application/javascript', async () => {
    const { id } = await createThing(app, token, accountId, { name: 'padded' });

    const res = await app.http
      .get(thingsPath(accountId, id))
      .query({ jsonp: 'jQuery_123.cb$' })
      .set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript');
    const match = /^jQuery_123\.cb\$\(([\s\S]*)\);$/.exec(res.text);
    expect(match).not.toBeNull();
    const envelope = JSON.parse(match?.[1] ?? 'null');
    expect(envelope).toMatchObject({
      status: 'success',
      data: { id, name: 'padded', stuff: [] },
      auth_token: token,
    });
  });

  it.each(['alert(1)//', '1abc', 'a'.repeat(65), 'x;y'])(
    'when jsonp=%p is not a safe function name, then it is ignored (plain JSON)',
    async (fn) => {
      const res = await app.http
        .get(thingsPath(accountId))
        .query({ jsonp: fn })
        .set('X-Auth-Token', token);

      expect(res.status).toBe(200);
      expectJsonHeaders(res);
      expect(res.body.status).toBe('success');
    },
  );
});
