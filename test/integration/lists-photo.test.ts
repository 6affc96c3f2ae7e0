/**
 * The Lists module, entry photos (spec lists.md §6) over HTTP against the real app and the test
 * CouchDB: raw and multipart uploads, magic-byte detection, size limits while streaming,
 * download with ETag, removal, and the photo surviving entry writes.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32, deflateSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  errorEnvelope,
  expectJsonHeaders,
  rawRequest,
  readStored,
  setupAccount,
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

/** A 1×1 baseline JPEG: one grey 8×8 block (DC 0, end of block), every marker a decoder needs. */
function tinyJpeg(): Buffer {
  const table = (cls: number) => [
    0xff,
    0xc4,
    0x00,
    0x14,
    cls,
    1,
    ...new Array<number>(15).fill(0),
    0x00,
  ];
  return Buffer.from([
    ...[0xff, 0xd8],
    ...[0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0, 1, 0, 1, 0, 0],
    ...[0xff, 0xdb, 0x00, 0x43, 0x00, ...Array(64).fill(1)],
    ...[0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00],
    ...table(0x00),
    ...table(0x10),
    ...[0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00],
    0x3f,
    ...[0xff, 0xd9],
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid RGB PNG; noisy pixels, so that a big one does not compress away. */
function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  // Each row: filter type 0, then random RGB triples.
  const rows = Array.from({ length: height }, () =>
    Buffer.concat([Buffer.alloc(1), randomBytes(width * 3)]),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

interface Part {
  name: string;
  filename?: string;
  type?: string;
  body: Buffer | string;
}

/** A multipart/form-data body as browsers send it. */
function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = '----crossbarTsBoundary7MA4YWxkTrZu0gW';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      `Content-Disposition: form-data; name="${part.name}"` +
      (part.filename !== undefined ? `; filename="${part.filename}"` : '');
    const type = part.type !== undefined ? `\r\nContent-Type: ${part.type}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\n${disposition}${type}\r\n\r\n`, 'latin1'));
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

function listsPath(...rest: string[]): string {
  return ['/v2/accounts', accountId, 'lists', ...rest].join('/');
}

async function createListAndEntry(
  testApp: TestApp = app,
  entry: Record<string, unknown> = { number: '0123', displayname: 'Photo Entry' },
): Promise<{ listId: string; entryId: string; photoPath: string }> {
  const list = await testApp.http
    .put(listsPath())
    .set('X-Auth-Token', token)
    .send({ data: { name: 'photos' } });
  const listId = list.body.data.id as string;
  const created = await testApp.http
    .put(listsPath(listId, 'entries'))
    .set('X-Auth-Token', token)
    .send({ data: entry });
  const entryId = created.body.data.id as string;
  return { listId, entryId, photoPath: listsPath(listId, 'entries', entryId, 'photo') };
}

async function upload(
  path: string,
  body: Buffer,
  contentType: string,
  testApp: TestApp = app,
): ReturnType<typeof rawRequest> {
  return rawRequest(testApp, {
    method: 'POST',
    path,
    headers: { 'X-Auth-Token': token, 'Content-Type': contentType },
    body,
  });
}

/** GET with the body as bytes. */
async function download(path: string, headers: Record<string, string> = {}) {
  return app.http
    .get(path)
    .set({ 'X-Auth-Token': token, ...headers })
    .buffer(true)
    .parse((res, done) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => done(null, Buffer.concat(parts)));
    });
}

function badIdentifier(cause: string) {
  return errorEnvelope(404, 'bad_identifier', { cause, message: 'bad identifier' }, token);
}

function unsupported(cause: string) {
  return errorEnvelope(
    415,
    'unsupported_media_type',
    { message: 'unsupported media type', cause },
    token,
  );
}

const PHOTO_REQUIRED = {
  photo: { required: { message: 'Field is required but missing', value: 'photo' } },
};

describe('POST /v2/accounts/:accountId/lists/:listId/entries/:entryId/photo', () => {
  it('when a JPEG is sent raw, then 200 with the entry and its new revision, and it reads back', async () => {
    const { listId, entryId, photoPath } = await createListAndEntry();
    const jpeg = tinyJpeg();

    const res = await upload(photoPath, jpeg, 'image/jpeg');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(
      successEnvelope(
        {
          id: entryId,
          list_id: listId,
          number: '0123',
          displayname: 'Photo Entry',
          profile: {},
        },
        { auth_token: token, revision: expect.stringMatching(/^2-/) },
      ),
    );
    const stored = await readStored(accountId, entryId);
    expect(stored?._rev).toBe((res.body as { revision: string }).revision);
    expect(stored?._attachments).toEqual({
      photo: expect.objectContaining({ content_type: 'image/jpeg', length: jpeg.length }),
    });

    const got = await download(photoPath);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['content-length']).toBe(String(jpeg.length));
    expect(got.headers.etag).toMatch(/^"md5-.+"$/);
    expect(Buffer.compare(got.body as Buffer, jpeg)).toBe(0);
  });

  it('when a big PNG is sent as application/octet-stream, then it is stored as image/png', async () => {
    const { photoPath } = await createListAndEntry();
    const image = png(160, 160);
    expect(image.length).toBeGreaterThan(70_000);

    const res = await upload(photoPath, image, 'application/octet-stream');

    expect(res.status).toBe(200);
    const got = await download(photoPath);
    expect(got.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(got.body as Buffer, image)).toBe(0);
  });

  it('when a PNG is labelled image/jpeg, then the detected type is stored', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await upload(photoPath, png(1, 1), 'image/jpeg');

    expect(res.status).toBe(200);
    const got = await download(photoPath);
    expect(got.headers['content-type']).toBe('image/png');
  });

  it('when sent chunked without Content-Length, then it is streamed and stored', async () => {
    const { photoPath } = await createListAndEntry();
    const image = png(40, 40);

    const res = await rawRequest(app, {
      method: 'POST',
      path: photoPath,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'image/png' },
      chunks: [image.subarray(0, 5), image.subarray(5, 100), image.subarray(100)],
    });

    expect(res.status).toBe(200);
    const got = await download(photoPath);
    expect(Buffer.compare(got.body as Buffer, image)).toBe(0);
  });

  it('when a multipart form carries fileToUpload, then the file part is stored', async () => {
    const { photoPath } = await createListAndEntry();
    const image = png(8, 8);
    const form = multipart([
      { name: 'note', body: 'not a file' },
      { name: 'fileToUpload', filename: 'me.png', type: 'image/png', body: image },
      { name: 'second', filename: 'other.jpg', type: 'image/jpeg', body: tinyJpeg() },
    ]);

    const res = await upload(photoPath, form.body, form.contentType);

    expect(res.status).toBe(200);
    const got = await download(photoPath);
    expect(got.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(got.body as Buffer, image)).toBe(0);
  });

  it('when a photo exists, then a new upload replaces it', async () => {
    const { photoPath } = await createListAndEntry();
    await upload(photoPath, tinyJpeg(), 'image/jpeg');
    const replacement = png(2, 2);

    const res = await upload(photoPath, replacement, 'image/png');

    expect(res.status).toBe(200);
    expect((res.body as { revision: string }).revision).toMatch(/^3-/);
    const got = await download(photoPath);
    expect(Buffer.compare(got.body as Buffer, replacement)).toBe(0);
  });

  it('when a GIF is sent, then it is stored as image/gif', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await upload(photoPath, GIF, 'image/gif');

    expect(res.status).toBe(200);
    const got = await download(photoPath);
    expect(got.headers['content-type']).toBe('image/gif');
  });

  it('when text bytes are labelled image/png, then 415 with the declared type and the old photo stays', async () => {
    const { photoPath } = await createListAndEntry();
    const original = tinyJpeg();
    await upload(photoPath, original, 'image/jpeg');

    const res = await upload(photoPath, Buffer.from('hello, I am not a picture'), 'image/png');

    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(unsupported('image/png'));
    const got = await download(photoPath);
    expect(Buffer.compare(got.body as Buffer, original)).toBe(0);
  });

  it('when the multipart file part is not an image, then 415 with the part type', async () => {
    const { photoPath } = await createListAndEntry();
    const form = multipart([
      { name: 'fileToUpload', filename: 'notes.txt', type: 'text/plain', body: 'just text' },
    ]);

    const res = await upload(photoPath, form.body, form.contentType);

    expect(res.status).toBe(415);
    expect(res.body).toEqual(unsupported('text/plain'));
  });

  it('when the body is JSON, then 415 with application/json', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await app.http
      .post(photoPath)
      .set('X-Auth-Token', token)
      .send({ data: { photo: 'x' } });

    expect(res.status).toBe(415);
    expectJsonHeaders(res);
    expect(res.body).toEqual(unsupported('application/json'));
  });

  it('when the body is text/plain, then 415', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await upload(photoPath, Buffer.from('text'), 'text/plain');

    expect(res.status).toBe(415);
    expect(res.body).toEqual(unsupported('text/plain'));
  });

  it('when the body is an image type we do not take (image/svg+xml), then 415', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await upload(photoPath, Buffer.from('<svg/>'), 'image/svg+xml');

    expect(res.status).toBe(415);
    expect(res.body).toEqual(unsupported('image/svg+xml'));
  });

  it('when the JSON body goes to an unknown entry, then still 415 (Content-Type is checked first)', async () => {
    const { listId } = await createListAndEntry();

    const res = await app.http
      .post(listsPath(listId, 'entries', 'nosuchentry', 'photo'))
      .set('X-Auth-Token', token)
      .send({ data: {} });

    expect(res.status).toBe(415);
  });

  it('when the raw body is empty, then 400 photo.required', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await upload(photoPath, Buffer.alloc(0), 'image/jpeg');

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', PHOTO_REQUIRED, token));
  });

  it('when the multipart form has no file part, then 400 photo.required', async () => {
    const { photoPath } = await createListAndEntry();
    const form = multipart([{ name: 'fileToUpload', body: 'no filename here' }]);

    const res = await upload(photoPath, form.body, form.contentType);

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', PHOTO_REQUIRED, token));
  });

  it('when the file part is empty, then 400 photo.required', async () => {
    const { photoPath } = await createListAndEntry();
    const form = multipart([{ name: 'fileToUpload', filename: 'x.jpg', body: Buffer.alloc(0) }]);

    const res = await upload(photoPath, form.body, form.contentType);

    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorEnvelope(400, 'validation error', PHOTO_REQUIRED, token));
  });

  it('when the form is cut short inside the file part, then 400 multipart.invalid and nothing is stored', async () => {
    const { entryId, photoPath } = await createListAndEntry();
    const form = multipart([
      { name: 'fileToUpload', filename: 'cut.png', type: 'image/png', body: png(10, 10) },
    ]);
    const cut = form.body.subarray(0, form.body.length - 60);

    const res = await upload(photoPath, cut, form.contentType);

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      errorEnvelope(
        400,
        'validation error',
        { multipart: { invalid: { message: expect.any(String), target: 'body' } } },
        token,
      ),
    );
    expect(await readStored(accountId, entryId)).not.toHaveProperty('_attachments');
  });

  it('when the list is unknown, then 404 with the list id', async () => {
    const { entryId } = await createListAndEntry();

    const res = await upload(
      listsPath('nosuchlist', 'entries', entryId, 'photo'),
      tinyJpeg(),
      'image/jpeg',
    );

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchlist'));
  });

  it('when the entry belongs to another list, then 404 with the entry id', async () => {
    const { entryId } = await createListAndEntry();
    const { listId: otherList } = await createListAndEntry();

    const res = await upload(
      listsPath(otherList, 'entries', entryId, 'photo'),
      tinyJpeg(),
      'image/jpeg',
    );

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(entryId));
  });

  it('when If-Match is stale, then 412 and nothing is stored', async () => {
    const { entryId, photoPath } = await createListAndEntry();

    const res = await rawRequest(app, {
      method: 'POST',
      path: photoPath,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'image/jpeg', 'If-Match': '"9-abc"' },
      body: tinyJpeg(),
    });

    expect(res.status).toBe(412);
    expect(await readStored(accountId, entryId)).not.toHaveProperty('_attachments');
  });

  it('when the entry changes while the photo streams in, then 409 and the entry keeps its change', async () => {
    const { listId, entryId, photoPath } = await createListAndEntry();
    const image = png(20, 20);
    const url = new URL(photoPath, app.baseUrl);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'X-Auth-Token': token, 'Content-Type': 'image/png' },
        },
        (res) => {
          let body = '';
          res.on('data', (part: Buffer) => (body += part.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write(image.subarray(0, 64));
      // The rest follows once another client has changed the entry under the upload.
      void sleep(300)
        .then(() =>
          app.http
            .patch(listsPath(listId, 'entries', entryId))
            .set('X-Auth-Token', token)
            .send({ data: { firstname: 'Racer' } }),
        )
        .then((patched) => {
          expect(patched.status).toBe(200);
          req.end(image.subarray(64));
        });
    });

    const res = await answer;

    expect(res.status).toBe(409);
    expect(JSON.parse(res.body)).toEqual(
      errorEnvelope(409, 'datastore_conflict', { message: 'conflicting documents' }, token),
    );
    const stored = await readStored(accountId, entryId);
    expect(stored).toMatchObject({ firstname: 'Racer' });
    expect(stored).not.toHaveProperty('_attachments');
  });

  it('when the token comes as ?auth_token=, then the upload works', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await rawRequest(app, {
      method: 'POST',
      path: `${photoPath}?auth_token=${token}`,
      headers: { 'Content-Type': 'image/jpeg' },
      body: tinyJpeg(),
    });

    expect(res.status).toBe(200);
  });
});

describe('photo size limit (CROSSBAR_MAX_UPLOAD_BYTES=2000)', () => {
  let small: TestApp;

  const tooLarge = (authToken: string = token) =>
    errorEnvelope(
      413,
      'validation error',
      {
        file: {
          maxSize: { message: 'Payload or Files must not be more than 2000 bytes', target: 2000 },
        },
      },
      authToken,
    );

  beforeAll(async () => {
    small = await startTestApp({ CROSSBAR_MAX_UPLOAD_BYTES: '2000' });
  });

  afterAll(async () => {
    await small.close();
  });

  it('when Content-Length exceeds the limit, then 413 up front', async () => {
    const { photoPath } = await createListAndEntry(small);
    const big = Buffer.concat([tinyJpeg(), Buffer.alloc(3000, 1)]);

    const res = await upload(photoPath, big, 'image/jpeg', small);

    expect(res.status).toBe(413);
    // Step 3 of the pipeline, before the token is even looked at.
    expect(res.body).toEqual(tooLarge('undefined'));
  });

  it('when a chunked body grows past the limit, then 413 and the old photo stays', async () => {
    const { entryId, photoPath } = await createListAndEntry(small);
    const original = tinyJpeg();
    expect((await upload(photoPath, original, 'image/jpeg', small)).status).toBe(200);
    const before = await readStored(accountId, entryId);
    const big = Buffer.concat([tinyJpeg(), Buffer.alloc(5000, 7)]);

    const res = await rawRequest(small, {
      method: 'POST',
      path: photoPath,
      headers: { 'X-Auth-Token': token, 'Content-Type': 'image/jpeg' },
      chunks: [big.subarray(0, 1000), big.subarray(1000, 2500), big.subarray(2500)],
    });

    expect(res.status).toBe(413);
    expect(res.body).toEqual(tooLarge());
    const after = await readStored(accountId, entryId);
    expect(after?._rev).toBe(before?._rev);
    const got = await small.http
      .get(photoPath)
      .set('X-Auth-Token', token)
      .buffer(true)
      .parse((r, done) => {
        const parts: Buffer[] = [];
        r.on('data', (part: Buffer) => parts.push(part));
        r.on('end', () => done(null, Buffer.concat(parts)));
      });
    expect(Buffer.compare(got.body as Buffer, original)).toBe(0);
  });

  it('when a multipart file part grows past the limit while streaming, then 413', async () => {
    const { photoPath } = await createListAndEntry(small);
    const form = multipart([
      {
        name: 'fileToUpload',
        filename: 'big.jpg',
        type: 'image/jpeg',
        body: Buffer.concat([tinyJpeg(), Buffer.alloc(3000, 2)]),
      },
    ]);

    const res = await rawRequest(small, {
      method: 'POST',
      path: photoPath,
      headers: { 'X-Auth-Token': token, 'Content-Type': form.contentType },
      chunks: [form.body.subarray(0, 500), form.body.subarray(500)],
    });

    expect(res.status).toBe(413);
    expect(res.body).toEqual(tooLarge());
  });

  it('when a photo within the limit is sent, then 200', async () => {
    const { photoPath } = await createListAndEntry(small);

    const res = await upload(photoPath, png(4, 4), 'image/png', small);

    expect(res.status).toBe(200);
  });
});

describe('GET /v2/accounts/:accountId/lists/:listId/entries/:entryId/photo', () => {
  it('when If-None-Match carries the ETag, then 304 without a body', async () => {
    const { photoPath } = await createListAndEntry();
    await upload(photoPath, tinyJpeg(), 'image/jpeg');
    const first = await download(photoPath);

    const res = await download(photoPath, { 'If-None-Match': first.headers.etag as string });

    expect(res.status).toBe(304);
    expect(res.headers.etag).toBe(first.headers.etag);
    expect((res.body as Buffer).length).toBe(0);
  });

  it('when the photo changes, then the ETag changes', async () => {
    const { photoPath } = await createListAndEntry();
    await upload(photoPath, tinyJpeg(), 'image/jpeg');
    const first = await download(photoPath);
    await upload(photoPath, png(3, 3), 'image/png');

    const res = await download(photoPath, { 'If-None-Match': first.headers.etag as string });

    expect(res.status).toBe(200);
    expect(res.headers.etag).not.toBe(first.headers.etag);
  });

  it('when asked with ?auth_token= and no header (an <img src>), then 200 with the bytes', async () => {
    const { photoPath } = await createListAndEntry();
    const jpeg = tinyJpeg();
    await upload(photoPath, jpeg, 'image/jpeg');

    const res = await rawRequest(app, { method: 'GET', path: `${photoPath}?auth_token=${token}` });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.from(res.text, 'latin1').length).toBeGreaterThan(0);
  });

  it('when a browser Accept list is sent, then 200', async () => {
    const { photoPath } = await createListAndEntry();
    await upload(photoPath, tinyJpeg(), 'image/jpeg');

    const res = await download(photoPath, {
      Accept: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
    });

    expect(res.status).toBe(200);
  });

  it('when asked with HEAD, then 200 with the type and length, no body', async () => {
    const { photoPath } = await createListAndEntry();
    const jpeg = tinyJpeg();
    await upload(photoPath, jpeg, 'image/jpeg');

    const res = await rawRequest(app, {
      method: 'HEAD',
      path: photoPath,
      headers: { 'X-Auth-Token': token },
    });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['content-length']).toBe(String(jpeg.length));
    expect(res.text).toBe('');
  });

  it('when the entry has no photo, then 404 bad_identifier with cause "photo"', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await app.http.get(photoPath).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expectJsonHeaders(res);
    expect(res.body).toEqual(badIdentifier('photo'));
  });

  it('when the entry is unknown, then 404 with the entry id', async () => {
    const { listId } = await createListAndEntry();

    const res = await app.http
      .get(listsPath(listId, 'entries', 'nosuchentry', 'photo'))
      .set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('nosuchentry'));
  });

  it('when no token is sent, then 401 as JSON', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await app.http.get(photoPath);

    expect(res.status).toBe(401);
    expectJsonHeaders(res);
  });
});

describe('DELETE /v2/accounts/:accountId/lists/:listId/entries/:entryId/photo', () => {
  it('when a photo exists, then 200 with the entry and new revision; GET is 404 after', async () => {
    const { listId, entryId, photoPath } = await createListAndEntry();
    await upload(photoPath, tinyJpeg(), 'image/jpeg');

    const res = await app.http.delete(photoPath).set('X-Auth-Token', token);

    expect(res.status).toBe(200);
    expectJsonHeaders(res);
    expect(res.body).toEqual(
      successEnvelope(
        {
          id: entryId,
          list_id: listId,
          number: '0123',
          displayname: 'Photo Entry',
          profile: {},
        },
        { auth_token: token, revision: expect.stringMatching(/^3-/) },
      ),
    );
    expect(await readStored(accountId, entryId)).not.toHaveProperty('_attachments.photo');
    const after = await app.http.get(photoPath).set('X-Auth-Token', token);
    expect(after.status).toBe(404);
    expect(after.body).toEqual(badIdentifier('photo'));
  });

  it('when there is no photo, then 404 bad_identifier with cause "photo"', async () => {
    const { photoPath } = await createListAndEntry();

    const res = await app.http.delete(photoPath).set('X-Auth-Token', token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier('photo'));
  });
});

describe('the photo and entry writes', () => {
  it('when the entry is replaced (POST) or merged (PATCH), then the photo survives', async () => {
    const { listId, entryId, photoPath } = await createListAndEntry();
    const jpeg = tinyJpeg();
    await upload(photoPath, jpeg, 'image/jpeg');
    const entryPath = listsPath(listId, 'entries', entryId);

    const posted = await app.http
      .post(entryPath)
      .set('X-Auth-Token', token)
      .send({ data: { number: '1' } });
    const patched = await app.http
      .patch(entryPath)
      .set('X-Auth-Token', token)
      .send({ data: { firstname: 'F' } });

    expect(posted.status).toBe(200);
    expect(patched.status).toBe(200);
    expect(patched.body.data).toEqual({
      id: entryId,
      list_id: listId,
      number: '1',
      firstname: 'F',
      profile: {},
    });
    const got = await download(photoPath);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, jpeg)).toBe(0);
  });

  it('when the entry is soft-deleted, then the attachment stays in CouchDB', async () => {
    const { listId, entryId, photoPath } = await createListAndEntry();
    await upload(photoPath, tinyJpeg(), 'image/jpeg');

    await app.http
      .delete(listsPath(listId, 'entries', entryId))
      .set('X-Auth-Token', token)
      .expect(200);

    expect(await readStored(accountId, entryId)).toMatchObject({
      pvt_deleted: true,
      _attachments: { photo: expect.objectContaining({ content_type: 'image/jpeg' }) },
    });
    const res = await app.http.get(photoPath).set('X-Auth-Token', token);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(badIdentifier(entryId));
  });
});
