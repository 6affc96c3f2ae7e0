import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get as httpGet } from 'node:http';
import { startEmbeddedCouch, type EmbeddedCouch } from '../../src/embedded-couch/launcher';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createAccount,
  createThings,
  errorEnvelope,
  expectJsonHeaders,
  setupAccount,
  successEnvelope,
  thingsPath,
} from '../helpers/api';

/**
 * The CouchDB under a running service goes away and comes back: requests get 503
 * `datastore_unreachable` meanwhile, then everything works again with nothing lost.
 * Runs on its own embedded server on disk (leveldb), whatever the other tests use.
 */
describe('CouchDB outage under a running service', () => {
  const credentials = { user: 'outage_admin', password: 'outage-secret' };
  let dataDir: string;
  let couch: EmbeddedCouch;
  let app: TestApp;
  let token: string;
  let accountId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'crossbar-outage-'));
    couch = await startEmbeddedCouch({ dataDir, credentials });
    app = await startTestApp({ COUCHDB_URL: couch.url });
    ({ token, accountId } = await setupAccount(app));
  });

  afterAll(async () => {
    await app.close();
    await couch.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when CouchDB stops, then 503 datastore_unreachable; when it returns, then the service recovers with nothing lost', async () => {
    const created = await app.http
      .put(`/v2/accounts/${accountId}/things`)
      .set('X-Auth-Token', token)
      .send({ data: { name: 'survivor', stuff: ['keep'] } });
    expect(created.status).toBe(201);
    const thingId = created.body.data.id as string;

    await couch.stop();

    const read = await app.http
      .get(`/v2/accounts/${accountId}/things/${thingId}`)
      .set('X-Auth-Token', token);
    expect(read.status).toBe(503);
    expectJsonHeaders(read);
    expect(read.body).toEqual(
      errorEnvelope(503, 'datastore_unreachable', { message: 'datastore timeout' }, token),
    );
    const write = await app.http
      .put(`/v2/accounts/${accountId}/things`)
      .set('X-Auth-Token', token)
      .send({ data: { name: 'lost in the outage' } });
    expect(write.status).toBe(503);
    expect(write.body.message).toBe('datastore_unreachable');
    const listing = await app.http
      .get(`/v2/accounts/${accountId}/things`)
      .set('X-Auth-Token', token);
    expect(listing.status).toBe(503);

    couch = await startEmbeddedCouch({ dataDir, credentials, port: couch.port });

    const again = await app.http
      .get(`/v2/accounts/${accountId}/things/${thingId}`)
      .set('X-Auth-Token', token);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject(
      successEnvelope(
        { id: thingId, name: 'survivor', stuff: ['keep'] },
        { revision: created.body.revision },
      ),
    );
    const after = await app.http.get(`/v2/accounts/${accountId}/things`).set('X-Auth-Token', token);
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual([{ id: thingId, name: 'survivor' }]);
    const newWrite = await app.http
      .put(`/v2/accounts/${accountId}/things`)
      .set('X-Auth-Token', token)
      .send({ data: { name: 'after the outage' } });
    expect(newWrite.status).toBe(201);
  });

  it('when CouchDB dies in the middle of a streamed listing, then the connection is cut, never ended short; when it returns, then the listing is whole', async () => {
    // More than two chunks of 1,000: the answer starts after two, so the third is read while
    // the answer is already on its way.
    const count = 2100;
    const account = await createAccount(app, token, app.deps.masterAccountId);
    await createThings(app, token, account, count, (n) => ({ name: `bulk ${n}` }));
    const url = `${app.baseUrl}${thingsPath(account)}?paginate=false`;

    const cut = await new Promise<{ status?: number; isComplete: boolean; text: string }>(
      (resolve, reject) => {
        const headers = { 'X-Auth-Token': token, 'X-Request-ID': 'cut-mid-stream' };
        httpGet(url, { headers }, (res) => {
          // The headers are here: the service is reading the rest. Take CouchDB away now.
          process.kill(couch.pid, 'SIGKILL');
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('error', () => undefined); // 'aborted': the cut this test waits for
          res.on('close', () =>
            resolve({
              status: res.statusCode,
              isComplete: res.complete,
              text: Buffer.concat(parts).toString('utf8'),
            }),
          );
        }).on('error', reject);
      },
    );

    expect(cut.status).toBe(200);
    expect(cut.isComplete).toBe(false);
    expect(cut.text.startsWith('{"data":[')).toBe(true);
    expect(() => JSON.parse(cut.text) as unknown).toThrow();
    const failure = app.logs.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.request_id === 'cut-mid-stream' && line.level === 50);
    expect(failure).toMatchObject({
      msg: 'streamed listing failed after its headers: connection cut',
      module: 'things',
    });

    await couch.stop();
    couch = await startEmbeddedCouch({ dataDir, credentials, port: couch.port });
    const whole = await app.http
      .get(thingsPath(account))
      .query({ paginate: 'false' })
      .set('X-Auth-Token', token);
    expect(whole.status).toBe(200);
    expect(whole.body.data).toHaveLength(count);
  }, 120_000);
});
