import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { startTestApp, type TestApp } from '../helpers/app';
import { rawRequest, setupAccount } from '../helpers/api';

/**
 * A photo download nobody reads to the end (HEAD, or a client that hangs up) must give CouchDB's
 * connection back: the pool holds 64, so more abandoned downloads than that would otherwise
 * leave every later request waiting.
 */
describe('GET|HEAD …/entries/{E}/photo that nobody reads', () => {
  let app: TestApp;
  let photoPath: string;
  let token: string;
  const photo = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    randomBytes(3 * 1024 * 1024),
  ]);

  beforeAll(async () => {
    app = await startTestApp();
    const setup = await setupAccount(app);
    token = setup.token;
    const base = `/v2/accounts/${setup.accountId}/lists`;
    const list = await app.http
      .put(base)
      .set('X-Auth-Token', token)
      .send({ data: { name: 'big photos' } });
    const entry = await app.http
      .put(`${base}/${list.body.data.id}/entries`)
      .set('X-Auth-Token', token)
      .send({ data: { displayname: 'Big' } });
    photoPath = `${base}/${list.body.data.id}/entries/${entry.body.data.id}/photo`;
    const upload = await app.http
      .post(photoPath)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'image/jpeg')
      .send(photo);
    if (upload.status !== 200) throw new Error(`photo upload: ${upload.status} ${upload.text}`);
  });

  afterAll(() => app.close());

  /** Starts a download, reads its status line, and hangs up. */
  function abandonDownload(): Promise<number> {
    const url = new URL(photoPath, app.baseUrl);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { 'X-Auth-Token': token },
        },
        (res) => {
          resolve(res.statusCode ?? 0);
          res.destroy();
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('when 80 HEADs and 80 abandoned GETs went before, then a full download still comes at once and whole', async () => {
    for (let i = 0; i < 80; i += 1) {
      const head = await rawRequest(app, {
        method: 'HEAD',
        path: photoPath,
        headers: { 'X-Auth-Token': token },
      });
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(String(photo.length));
    }
    for (let i = 0; i < 80; i += 1) expect(await abandonDownload()).toBe(200);

    const full = await app.http
      .get(photoPath)
      .set('X-Auth-Token', token)
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => done(null, Buffer.concat(parts)));
      })
      .timeout(10_000);
    expect(full.status).toBe(200);
    expect(Buffer.compare(full.body as Buffer, photo)).toBe(0);
  }, 60_000);
});
