/**
 * The embedded CouchDB-compatible server, driven through nano exactly as src/couch/ drives a
 * real CouchDB 3: each compatibility fix of src/embedded-couch/compat.ts is proven here.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Nano, { type DocumentScope, type ServerScope } from 'nano';
import { startEmbeddedCouch, type EmbeddedCouch } from '../../src/embedded-couch/launcher';

interface Thing {
  name: string;
  pvt_type: string;
  n?: number;
}

const accountDbName = (): string => {
  const id = randomBytes(16).toString('hex');
  return `account/${id.slice(0, 2)}/${id.slice(2, 4)}/${id.slice(4)}`;
};

const THINGS_DDOC = {
  _id: '_design/things',
  language: 'javascript',
  views: {
    crossbar_listing: {
      map: "function(doc) { if (doc.pvt_type === 'thing') emit(doc.name, doc.n); }",
      reduce: '_count',
    },
  },
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

async function waitUntilDead(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

describe('embedded CouchDB (memory store)', () => {
  let couch: EmbeddedCouch;
  let admin: ServerScope;
  let anonymous: ServerScope;

  beforeAll(async () => {
    couch = await startEmbeddedCouch({});
    admin = Nano(couch.url);
    anonymous = Nano(`http://127.0.0.1:${couch.port}`);
  });

  afterAll(async () => {
    await couch.stop();
  });

  const expectServerAlive = async (): Promise<void> => {
    await expect(anonymous.request({ path: '_up' })).resolves.toEqual({ status: 'ok' });
    await expect(admin.db.list()).resolves.toEqual(expect.any(Array));
  };

  describe('authentication', () => {
    it('when anonymous, then GET / and GET /_up answer 200', async () => {
      await expect(anonymous.info()).resolves.toMatchObject({ couchdb: 'Welcome' });
      await expect(anonymous.request({ path: '_up' })).resolves.toEqual({ status: 'ok' });
    });

    it('when anonymous, then _all_dbs, database and document requests are 401 unauthorized', async () => {
      const db = accountDbName();
      await admin.db.create(db);
      await expect(anonymous.db.list()).rejects.toMatchObject({
        statusCode: 401,
        error: 'unauthorized',
      });
      await expect(anonymous.db.get(db)).rejects.toMatchObject({
        statusCode: 401,
        error: 'unauthorized',
      });
      await expect(anonymous.use(db).get('x')).rejects.toMatchObject({
        statusCode: 401,
        error: 'unauthorized',
      });
    });

    it('when anonymous PUT /db (a crash unfixed), then 401 unauthorized and the server lives on', async () => {
      const db = accountDbName();
      await expect(anonymous.db.create(db)).rejects.toMatchObject({
        statusCode: 401,
        error: 'unauthorized',
        reason: 'You are not a server admin.',
      });
      await expect(admin.db.get(db)).rejects.toMatchObject({ statusCode: 404, error: 'not_found' });
      await expectServerAlive();
    });

    it('when the password is wrong, then 401 unauthorized', async () => {
      const wrong = Nano(couch.url.replace(/:[0-9a-f]+@/, ':nope@'));
      await expect(wrong.db.list()).rejects.toMatchObject({
        statusCode: 401,
        error: 'unauthorized',
      });
    });
  });

  describe('database names', () => {
    it('when the name has slashes, then it is created, listed, read and written as given', async () => {
      const name = accountDbName();
      await expect(admin.db.create(name)).resolves.toMatchObject({ ok: true });
      await expect(admin.db.list()).resolves.toContain(name);
      await expect(admin.db.get(name)).resolves.toMatchObject({ db_name: name, doc_count: 0 });
      const db = admin.use<Thing>(name);
      const saved = await db.insert({ name: 'a', pvt_type: 'thing' }, 'thing1');
      await expect(db.get('thing1')).resolves.toMatchObject({
        _id: 'thing1',
        _rev: saved.rev,
        name: 'a',
      });
    });

    it.each(['Account', '1abc', 'a.b', 'a b', '_foo', 'a//b', 'pouch__all_dbs__'])(
      "when the name is '%s', then 400 illegal_database_name",
      async (name) => {
        await expect(admin.db.create(name)).rejects.toMatchObject({
          statusCode: 400,
          error: 'illegal_database_name',
        });
      },
    );

    it('when a system database name is used, then it is accepted', async () => {
      await expect(admin.db.create('_users')).resolves.toMatchObject({ ok: true });
      await expect(admin.db.destroy('_users')).resolves.toMatchObject({ ok: true });
    });

    it('when the database exists, then PUT is 412 file_exists; missing GET/DELETE are 404 not_found', async () => {
      const name = accountDbName();
      await admin.db.create(name);
      await expect(admin.db.create(name)).rejects.toMatchObject({
        statusCode: 412,
        error: 'file_exists',
      });
      await expect(admin.db.destroy(name)).resolves.toMatchObject({ ok: true });
      await expect(admin.db.get(name)).rejects.toMatchObject({
        statusCode: 404,
        error: 'not_found',
      });
      await expect(admin.db.destroy(name)).rejects.toMatchObject({
        statusCode: 404,
        error: 'not_found',
      });
      await expect(admin.db.list()).resolves.not.toContain(name);
    });

    it('when the same database is created concurrently, then one 201 and the rest 412', async () => {
      const name = accountDbName();
      const results = await Promise.allSettled([1, 2, 3].map(() => admin.db.create(name)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.flatMap((result) =>
        result.status === 'rejected' ? [result.reason as unknown] : [],
      );
      expect(rejected).toEqual([
        expect.objectContaining({ statusCode: 412, error: 'file_exists' }),
        expect.objectContaining({ statusCode: 412, error: 'file_exists' }),
      ]);
    });

    it('when _all_dbs is asked a range, then names come sorted within it', async () => {
      const names = ['zz-range/b', 'zz-range/a', 'zz-range/c'];
      for (const name of names) await admin.db.create(name);
      const listed = await admin.request({
        path: '_all_dbs',
        qs: { startkey: 'zz-range/', endkey: 'zz-range/b' },
      });
      expect(listed).toEqual(['zz-range/a', 'zz-range/b']);
    });
  });

  describe('documents', () => {
    let db: DocumentScope<Thing>;

    beforeAll(async () => {
      const name = accountDbName();
      await admin.db.create(name);
      db = admin.use<Thing>(name);
    });

    it('when a stale rev is written, then 409 conflict; deleted docs are 404 not_found', async () => {
      const first = await db.insert({ name: 'x', pvt_type: 'thing' }, 'crud1');
      const second = await db.insert({ _rev: first.rev, name: 'y', pvt_type: 'thing' }, 'crud1');
      await expect(
        db.insert({ _rev: first.rev, name: 'z', pvt_type: 'thing' }, 'crud1'),
      ).rejects.toMatchObject({
        statusCode: 409,
        error: 'conflict',
      });
      await expect(db.destroy('crud1', second.rev)).resolves.toMatchObject({ ok: true });
      await expect(db.get('crud1')).rejects.toMatchObject({ statusCode: 404, error: 'not_found' });
    });

    it('when a document is read, then its ETag is "<rev>"', async () => {
      const saved = await db.insert({ name: 'e', pvt_type: 'thing' }, 'etag1');
      const headers = await db.head('etag1');
      expect(headers.etag).toBe(`"${saved.rev}"`);
    });

    it('when a non-JSON body is PUT as a document, then 415 bad_content_type', async () => {
      // nano always sends JSON for documents, so this one goes through fetch.
      const url = new URL(couch.url);
      const auth = Buffer.from(`${url.username}:${url.password}`).toString('base64');
      const res = await fetch(
        `http://127.0.0.1:${couch.port}/${encodeURIComponent(db.config.db)}/plain1`,
        {
          method: 'PUT',
          headers: { authorization: `Basic ${auth}`, 'content-type': 'text/plain' },
          body: '{"name":"p"}',
        },
      );
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toBe('application/json');
      await expect(res.json()).resolves.toMatchObject({ error: 'bad_content_type' });
    });

    it('when _bulk_docs and _all_docs are used, then keys/startkey/endkey/limit/include_docs work', async () => {
      const docs = ['b1', 'b2', 'b3', 'b4'].map((id, n) => ({
        _id: id,
        name: id,
        pvt_type: 'thing',
        n,
      }));
      const saved = await db.bulk({ docs });
      expect(saved).toHaveLength(4);
      expect(saved.every((row) => row.error === undefined && typeof row.rev === 'string')).toBe(
        true,
      );

      const byKeys = await db.fetch({ keys: ['b3', 'b1'] });
      expect(byKeys.rows.map((row) => row.key)).toEqual(['b3', 'b1']);

      const range = await db.list({ startkey: 'b2', endkey: 'b4', limit: 2, include_docs: true });
      expect(range.rows.map((row) => row.id)).toEqual(['b2', 'b3']);
      expect(range.rows[0]?.doc).toMatchObject({ name: 'b2', n: 1 });
    });
  });

  describe('mango', () => {
    it('when an index is created and _find is asked, then matching documents come back', async () => {
      const name = accountDbName();
      await admin.db.create(name);
      const db = admin.use<Thing>(name);
      await db.bulk({
        docs: [
          { name: 'm1', pvt_type: 'thing', n: 1 },
          { name: 'm2', pvt_type: 'other', n: 2 },
        ],
      });
      await expect(db.createIndex({ index: { fields: ['pvt_type'] } })).resolves.toMatchObject({
        result: 'created',
      });
      const found = await db.find({ selector: { pvt_type: 'thing' }, fields: ['name'] });
      expect(found.docs).toEqual([{ name: 'm1' }]);
    });
  });

  describe('views', () => {
    it('when a map view is queried with startkey/endkey/limit/include_docs/reduce=false, then rows match', async () => {
      const name = accountDbName();
      await admin.db.create(name);
      const db = admin.use<Thing>(name);
      await db.insert(THINGS_DDOC);
      const docs = ['apple', 'banana', 'cherry', 'date', 'elder'].map((n, i) => ({
        name: n,
        pvt_type: 'thing',
        n: i,
      }));
      await db.bulk({ docs: [...docs, { name: 'ignored', pvt_type: 'other' }] });

      const page = await db.view<number>('things', 'crossbar_listing', {
        startkey: 'banana',
        endkey: 'date',
        limit: 2,
        include_docs: true,
        reduce: false,
      });
      expect(page.rows.map((row) => [row.key, row.value])).toEqual([
        ['banana', 1],
        ['cherry', 2],
      ]);
      expect(page.rows[1]?.doc).toMatchObject({ name: 'cherry', pvt_type: 'thing' });

      const count = await db.view('things', 'crossbar_listing', {});
      expect(count.rows).toEqual([{ key: null, value: 5 }]);

      const descending = await db.view('things', 'crossbar_listing', {
        descending: true,
        limit: 1,
        reduce: false,
      });
      expect(descending.rows.map((row) => row.key)).toEqual(['elder']);
    });
  });

  describe('attachments', () => {
    it('when an attachment is PUT, GET and DELETEd through nano, then JSON answers and the bytes round-trip', async () => {
      const name = accountDbName();
      await admin.db.create(name);
      const db = admin.use<Thing>(name);
      const doc = await db.insert({ name: 'photo owner', pvt_type: 'thing' }, 'user1');
      const bytes = randomBytes(64 * 1024);

      const put = await db.attachment.insert('user1', 'photo.png', bytes, 'image/png', {
        rev: doc.rev,
      });
      expect(typeof put).toBe('object');
      expect(put).toMatchObject({ ok: true, id: 'user1', rev: expect.stringMatching(/^2-/) });

      const got = await db.attachment.get('user1', 'photo.png');
      expect(Buffer.compare(got, bytes)).toBe(0);

      const streamedIn = await db.attachment.insert(
        'user1',
        'streamed.bin',
        Readable.from([bytes]),
        'application/octet-stream',
        {
          rev: put.rev,
        },
      );
      expect(streamedIn).toMatchObject({ ok: true, id: 'user1' });
      const chunks: Buffer[] = [];
      for await (const chunk of db.attachment.getAsStream('user1', 'streamed.bin'))
        chunks.push(chunk as Buffer);
      expect(Buffer.compare(Buffer.concat(chunks), bytes)).toBe(0);

      const removed = await db.attachment.destroy('user1', 'photo.png', { rev: streamedIn.rev });
      expect(removed).toMatchObject({ ok: true, id: 'user1' });
      await expect(db.attachment.get('user1', 'photo.png')).rejects.toMatchObject({
        statusCode: 404,
        error: 'not_found',
      });
    });
  });

  describe('requests that crash express-pouchdb unfixed', () => {
    let db: DocumentScope<Thing>;

    beforeAll(async () => {
      const name = accountDbName();
      await admin.db.create(name);
      db = admin.use<Thing>(name);
      await db.insert({ name: 'c', pvt_type: 'thing' }, 'changed1');
    });

    it('when a multipart/related document is uploaded, then 415 bad_content_type and the server lives on', async () => {
      const upload = db.multipart.insert(
        { name: 'mp', pvt_type: 'thing' },
        [{ name: 'a.txt', data: Buffer.from('hello'), content_type: 'text/plain' }],
        'mp1',
      );
      await expect(upload).rejects.toMatchObject({ statusCode: 415, error: 'bad_content_type' });
      await expectServerAlive();
    });

    it('when _changes has filter=_selector, then 400 bad_request and the server lives on', async () => {
      await expect(db.changes({ filter: '_selector' })).rejects.toMatchObject({
        statusCode: 400,
        error: 'bad_request',
      });
      await expect(db.changes({ filter: 'nonsense' })).rejects.toMatchObject({
        statusCode: 400,
        error: 'bad_request',
      });
      await expectServerAlive();
    });

    it('when _changes has no filter or _doc_ids, then it answers', async () => {
      const all = await db.changes();
      expect(all.results.map((row) => row.id)).toContain('changed1');
      const byIds = await admin.relax({
        db: db.config.db,
        path: '_changes',
        method: 'POST',
        qs: { filter: '_doc_ids' },
        body: { doc_ids: ['changed1'] },
      });
      expect((byIds as { results: { id: string }[] }).results.map((row) => row.id)).toEqual([
        'changed1',
      ]);
    });
  });
});

describe('embedded CouchDB (leveldb store)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'embedded-couch-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when stopped and started again, then slash-named databases, documents and views survive', async () => {
    const name = accountDbName();
    const first = await startEmbeddedCouch({ dataDir });
    try {
      const admin = Nano(first.url);
      await admin.db.create(name);
      await admin.db.create('accounts');
      const db = admin.use<Thing>(name);
      await db.insert(THINGS_DDOC);
      await db.insert({ name: 'kept', pvt_type: 'thing', n: 7 }, 'kept1');
      await expect(db.view('things', 'crossbar_listing', { reduce: false })).resolves.toMatchObject(
        {
          rows: [{ key: 'kept', value: 7 }],
        },
      );
    } finally {
      await first.stop();
    }
    expect(existsSync(path.join(dataDir, ...name.split('/'), 'CURRENT'))).toBe(true);

    const second = await startEmbeddedCouch({ dataDir });
    try {
      const admin = Nano(second.url);
      expect(second.url).not.toBe(first.url); // credentials are per start
      await expect(admin.db.list()).resolves.toEqual(expect.arrayContaining([name, 'accounts']));
      const db = admin.use<Thing>(name);
      await expect(db.get('kept1')).resolves.toMatchObject({ name: 'kept', n: 7 });
      await db.insert({ name: 'added', pvt_type: 'thing', n: 8 }, 'added1');
      const rows = await db.view('things', 'crossbar_listing', {
        startkey: 'a',
        endkey: 'z',
        reduce: false,
      });
      expect(rows.rows.map((row) => row.key)).toEqual(['added', 'kept']);
      await expect(admin.db.create(name.split('/').slice(0, 3).join('/'))).rejects.toMatchObject({
        statusCode: 400,
        error: 'illegal_database_name',
      });
    } finally {
      await second.stop();
    }
  });
});

describe('embedded CouchDB process', () => {
  it('when stopped, then the child process is gone', async () => {
    const couch = await startEmbeddedCouch({});
    expect(isAlive(couch.pid)).toBe(true);
    await couch.stop();
    await couch.stop(); // idempotent
    expect(isAlive(couch.pid)).toBe(false);
  });

  it('when the child cannot start, then startEmbeddedCouch rejects with a clear error', async () => {
    const first = await startEmbeddedCouch({});
    const logLevel = process.env['LOG_LEVEL'];
    process.env['LOG_LEVEL'] = 'silent'; // the child inherits it: no fatal line in the test output
    try {
      await expect(startEmbeddedCouch({ port: first.port })).rejects.toThrow(
        /embedded CouchDB exited before it was ready \(code 1\)/,
      );
    } finally {
      if (logLevel === undefined) delete process.env['LOG_LEVEL'];
      else process.env['LOG_LEVEL'] = logLevel;
      await first.stop();
    }
  });

  it('when Ctrl-C hits the parent, then it keeps serving; when the parent dies, then it exits', async () => {
    // A parent that starts the server, reports the child's pid, answers SIGINT with the child's
    // /_up status, and is then killed outright without calling stop().
    const launcher = path.resolve(__dirname, '../../src/embedded-couch/launcher.ts');
    const script = `
      require(${JSON.stringify(launcher)}).startEmbeddedCouch({}).then((couch) => {
        process.on('SIGINT', () => fetch('http://127.0.0.1:' + couch.port + '/_up')
          .then((res) => process.send({ upAfterSigint: res.status }), (err) => process.send({ upAfterSigint: String(err) })));
        process.send({ pid: couch.pid });
      }, () => process.exit(2));`;
    // Its own process group, so the group-wide SIGINT below stands for a terminal's Ctrl-C.
    const parent = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), '-e', script],
      {
        detached: true,
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const nextMessage = (): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        parent.once('message', (message) => resolve(message as Record<string, unknown>));
        parent.once('exit', (code) =>
          reject(new Error(`parent exited early with ${String(code)}`)),
        );
      });
    try {
      const { pid } = (await nextMessage()) as { pid: number };
      const answer = nextMessage();
      process.kill(-(parent.pid ?? 0), 'SIGINT');
      await expect(answer).resolves.toEqual({ upAfterSigint: 200 });

      parent.kill('SIGKILL');
      await expect(waitUntilDead(pid, 5_000)).resolves.toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
