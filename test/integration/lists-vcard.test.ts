/**
 * The Lists module, vCard download (spec lists.md §5) over HTTP against the real app and the test
 * CouchDB: negotiation, headers, the card's exact text, the photo in it, and a parser reading it.
 */
import ICAL from 'ical.js';
import { crc32, deflateSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../helpers/app';
import { errorEnvelope, expectJsonHeaders, rawRequest, setupAccount } from '../helpers/api';

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

async function createEntry(
  list: Record<string, unknown>,
  entry: Record<string, unknown>,
): Promise<{ listId: string; entryId: string; vcardPath: string }> {
  const created = await app.http.put(listsPath()).set('X-Auth-Token', token).send({ data: list });
  const listId = created.body.data.id as string;
  const res = await app.http
    .put(listsPath(listId, 'entries'))
    .set('X-Auth-Token', token)
    .send({ data: entry });
  const entryId = res.body.data.id as string;
  return { listId, entryId, vcardPath: listsPath(listId, 'entries', entryId, 'vcard') };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1×1 RGB PNG. */
function tinyPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

async function uploadPhoto(path: string, bytes: Buffer, type: string): Promise<void> {
  const res = await rawRequest(app, {
    method: 'POST',
    path: path.replace(/vcard$/, 'photo'),
    headers: { 'X-Auth-Token': token, 'Content-Type': type },
    body: bytes,
  });
  if (res.status !== 200) throw new Error(`photo upload failed: ${res.status} ${res.text}`);
}

function getCard(path: string, headers: Record<string, string> = {}) {
  return app.http
    .get(path)
    .set({ 'X-Auth-Token': token, ...headers })
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (text += part));
      res.on('end', () => done(null, text));
    });
}

const SPEC_ENTRY = { number: '0123', firstname: 'Jane', lastname: 'Doe', displayname: 'JD' };
const SPEC_CARD = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Jane Doe',
  'N:Doe;Jane;;;',
  'ORG:ACME\\, Inc.',
  'NICKNAME:JD',
  'TEL;TYPE=VOICE:0123',
  'END:VCARD',
  '',
].join('\r\n');

describe('GET /v2/accounts/:accountId/lists/:listId/entries/:entryId/vcard', () => {
  it("when the spec's example entry is asked for, then exactly the spec's card with its headers", async () => {
    const { entryId, vcardPath } = await createEntry(
      { name: 'book', org: 'ACME, Inc.' },
      SPEC_ENTRY,
    );

    const res = await getCard(vcardPath);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/x-vcard');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${entryId}.vcf"`);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.body).toBe(SPEC_CARD);
  });

  it.each([
    [undefined, 'text/x-vcard'],
    ['*/*', 'text/x-vcard'],
    ['text/*', 'text/x-vcard'],
    ['text/x-vcard', 'text/x-vcard'],
    ['text/vcard', 'text/vcard'],
    ['text/directory', 'text/directory'],
    ['application/json;q=0.5, text/vcard', 'text/vcard'],
  ])('when Accept is %p, then Content-Type %s', async (accept, type) => {
    const { vcardPath } = await createEntry({ name: 'book' }, SPEC_ENTRY);

    const res = await getCard(vcardPath, accept === undefined ? {} : { Accept: accept });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it.each(['application/json', 'image/png'])(
    'when Accept is only %s, then 406 as a JSON envelope',
    async (accept) => {
      const { vcardPath } = await createEntry({ name: 'book' }, SPEC_ENTRY);

      const res = await app.http.get(vcardPath).set({ 'X-Auth-Token': token, Accept: accept });

      expect(res.status).toBe(406);
      expectJsonHeaders(res);
      expect(res.body).toEqual(
        errorEnvelope(406, 'not_acceptable', { message: 'not acceptable', cause: accept }, token),
      );
    },
  );

  it('when the token comes as ?auth_token= without a header, then 200', async () => {
    const { vcardPath } = await createEntry({ name: 'book', org: 'ACME, Inc.' }, SPEC_ENTRY);

    const res = await rawRequest(app, { method: 'GET', path: `${vcardPath}?auth_token=${token}` });

    expect(res.status).toBe(200);
    expect(res.text).toBe(SPEC_CARD);
  });

  it('when no token is sent, then 401 as JSON', async () => {
    const { vcardPath } = await createEntry({ name: 'book' }, SPEC_ENTRY);

    const res = await app.http.get(vcardPath);

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' }),
    );
  });

  it('when the entry is unknown, then 404 bad_identifier as JSON', async () => {
    const { listId } = await createEntry({ name: 'book' }, SPEC_ENTRY);

    const res = await app.http
      .get(listsPath(listId, 'entries', 'nosuchentry', 'vcard'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      errorEnvelope(
        404,
        'bad_identifier',
        { cause: 'nosuchentry', message: 'bad identifier' },
        token,
      ),
    );
  });

  it('when the entry belongs to another list, then 404 with the entry id', async () => {
    const { entryId } = await createEntry({ name: 'book' }, SPEC_ENTRY);
    const { listId: other } = await createEntry({ name: 'other' }, SPEC_ENTRY);

    const res = await app.http
      .get(listsPath(other, 'entries', entryId, 'vcard'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body.data).toEqual({ cause: entryId, message: 'bad identifier' });
  });

  it('when the list is unknown, then 404 with the list id', async () => {
    const { entryId } = await createEntry({ name: 'book' }, SPEC_ENTRY);

    const res = await app.http
      .get(listsPath('nosuchlist', 'entries', entryId, 'vcard'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body.data).toEqual({ cause: 'nosuchlist', message: 'bad identifier' });
  });

  it('when If-None-Match carries the ETag, then 304; when the list org changes, then a new card', async () => {
    const { listId, vcardPath } = await createEntry({ name: 'book', org: 'Old' }, SPEC_ENTRY);
    const first = await getCard(vcardPath);

    const cached = await getCard(vcardPath, { 'If-None-Match': first.headers.etag as string });
    await app.http
      .patch(listsPath(listId))
      .set('X-Auth-Token', token)
      .send({ data: { org: 'New' } })
      .expect(200);
    const changed = await getCard(vcardPath, { 'If-None-Match': first.headers.etag as string });

    expect(cached.status).toBe(304);
    expect(changed.status).toBe(200);
    expect(changed.body).toContain('ORG:New\r\n');
  });

  it('when the entry has a JPEG photo, then a PHOTO line with its base64, folded', async () => {
    const { vcardPath } = await createEntry({ name: 'book' }, SPEC_ENTRY);
    const jpeg = Buffer.concat([JPEG_START, Buffer.alloc(200, 0x42)]);
    await uploadPhoto(vcardPath, jpeg, 'image/jpeg');

    const res = await getCard(vcardPath);

    expect(res.status).toBe(200);
    const text = res.body as string;
    const unfolded = text.replace(/\r\n /g, '');
    expect(unfolded).toContain(`\r\nPHOTO;ENCODING=b;TYPE=JPEG:${jpeg.toString('base64')}\r\n`);
    for (const line of text.slice(0, -2).split('\r\n')) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    }
    // PHOTO sits between ORG (absent here) / N and NICKNAME.
    expect(unfolded.indexOf('PHOTO')).toBeLessThan(unfolded.indexOf('NICKNAME'));
    expect(unfolded.indexOf('N:Doe')).toBeLessThan(unfolded.indexOf('PHOTO'));
  });

  it('when the entry has a PNG photo, then TYPE=PNG', async () => {
    const { vcardPath } = await createEntry({ name: 'book' }, SPEC_ENTRY);
    const image = tinyPng();
    await uploadPhoto(vcardPath, image, 'image/png');

    const res = await getCard(vcardPath);

    expect((res.body as string).replace(/\r\n /g, '')).toContain(
      `PHOTO;ENCODING=b;TYPE=PNG:${image.toString('base64')}\r\n`,
    );
  });

  it('when the entry has a GIF photo, then no PHOTO line', async () => {
    const { vcardPath } = await createEntry({ name: 'book', org: 'ACME, Inc.' }, SPEC_ENTRY);
    await uploadPhoto(
      vcardPath,
      Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
      'image/gif',
    );

    const res = await getCard(vcardPath);

    expect(res.body).toBe(SPEC_CARD);
  });

  it('when the entry has a rich profile and multi-byte names, then a parser reads every value back', async () => {
    const first = 'é'.repeat(40);
    const last = '漢'.repeat(40);
    const { vcardPath } = await createEntry(
      { name: 'book', org: 'Zürich; Ltd' },
      {
        firstname: first,
        lastname: last,
        number: '+41 44 000 00 00',
        caller_id: { external: { number: '+41 44 111 11 11' } },
        profile: {
          middlename: 'M',
          email: 'e@example.com',
          birthday: '1990-05-06',
          note: 'two\nlines, a comma',
          title: 'CEO',
          role: 'Owner',
          timezone: 'Europe/Zurich',
          nicknames: ['Zed'],
          addresses: [{ address: 'Bahnhofstrasse 1, 8001 Zürich', types: ['work', 'pref'] }],
        },
      },
    );
    const image = tinyPng();
    await uploadPhoto(vcardPath, image, 'image/png');

    const res = await getCard(vcardPath);
    const text = res.body as string;
    for (const line of text.slice(0, -2).split('\r\n')) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    }
    const card = new ICAL.Component(ICAL.parse(text));

    expect(card.name).toBe('vcard');
    expect(card.getFirstPropertyValue('fn')).toBe(`${first} M ${last}`);
    expect(card.getFirstPropertyValue('n')).toEqual([last, first, 'M', '', '']);
    expect(card.getFirstPropertyValue('email')).toBe('e@example.com');
    expect(card.getFirstPropertyValue('note')).toBe('two\nlines, a comma');
    expect(card.getFirstPropertyValue('title')).toBe('CEO');
    expect(card.getFirstPropertyValue('nickname')).toBe('Zed');
    expect(card.getAllProperties('tel').map((tel) => tel.getFirstValue())).toEqual([
      '+41 44 000 00 00',
      '+41 44 111 11 11',
    ]);
    expect(card.getFirstProperty('adr')?.getParameter('type')).toEqual(['work', 'pref']);
    expect(card.getFirstPropertyValue('adr')).toEqual([
      '',
      '',
      'Bahnhofstrasse 1, 8001 Zürich',
      '',
      '',
      '',
      '',
    ]);
    const photo = card.getFirstPropertyValue('photo') as unknown as { value: string };
    expect(Buffer.from(photo.value, 'base64')).toEqual(image);
  });
});
