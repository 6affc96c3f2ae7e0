import { buildModules } from '../../src/modules';
import type { CrossbarModule } from '../../src/core/types';
import { startTestApp, type TestApp } from '../helpers/app';
import { createAccount, errorEnvelope, rawRequest, setupAccount } from '../helpers/api';

/**
 * The crossbar request features of core.md §7–§13 on every GET route of every registered module,
 * read from the modules' own route tables: ETag and 304, HEAD, pretty printing, JSONP, and on
 * listings CSV, pagination, filters and streamed `paginate=false` answers; on document routes that
 * take PATCH, a stale If-Match → 412.
 * A new module needs one line in SEEDS (how to make one document of it); the first test fails
 * until it has one, so no module goes unchecked.
 */
type Ids = Record<string, string>;
type Seeder = (app: TestApp, token: string, accountId: string) => Promise<Ids>;

async function create(app: TestApp, token: string, path: string, data: unknown): Promise<string> {
  const res = await app.http.put(path).set('X-Auth-Token', token).send({ data });
  if (res.status !== 201) throw new Error(`seed ${path}: ${res.status} ${res.text}`);
  return res.body.data.id as string;
}

/** One document per module, and the values of its route placeholders. */
const SEEDS: Record<string, Seeder> = {
  accounts: async (app, token, accountId) => {
    // A child, so that the account's children and descendants are listings with rows.
    await createAccount(app, token, accountId);
    return { A: accountId };
  },
  things: async (app, token, accountId) => ({
    id: await create(app, token, `/v2/accounts/${accountId}/things`, {
      name: 'seed',
      stuff: ['x'],
    }),
  }),
  users: async (app, token, accountId) => ({
    id: await create(app, token, `/v2/accounts/${accountId}/users`, {
      username: 'seed',
      password: 'seed-password',
      first_name: 'Seed',
      last_name: 'User',
    }),
  }),
  lists: async (app, token, accountId) => {
    const listId = await create(app, token, `/v2/accounts/${accountId}/lists`, {
      name: 'seed',
      org: 'Seed',
    });
    const entryId = await create(app, token, `/v2/accounts/${accountId}/lists/${listId}/entries`, {
      displayname: 'Seed',
      number: '0100',
    });
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(32),
    ]);
    const photo = await app.http
      .post(`/v2/accounts/${accountId}/lists/${listId}/entries/${entryId}/photo`)
      .set('X-Auth-Token', token)
      .set('Content-Type', 'image/png')
      .send(png);
    if (photo.status !== 200) throw new Error(`seed photo: ${photo.status} ${photo.text}`);
    return { list_id: listId, entry_id: entryId };
  },
};

interface Route {
  module: CrossbarModule;
  path: string;
  methods: readonly string[];
}

function urlOf(route: Route, accountId: string, ids: Ids): string {
  const tokens = route.path
    .split('/')
    .filter(Boolean)
    .map((token) =>
      token.startsWith('{') ? (ids[token.slice(1, -1)] ?? `missing-${token}`) : token,
    );
  if (route.module.noun === 'accounts') return ['/v2/accounts', ...tokens].join('/');
  if (route.module.scope === 'account')
    return ['/v2/accounts', accountId, route.module.noun, ...tokens].join('/');
  return ['/v2', route.module.noun, ...tokens].join('/');
}

describe('crossbar request features on every GET route of every module', () => {
  let app: TestApp;
  let token: string;
  let accountId: string;
  const ids: Record<string, Ids> = {};
  let routes: Route[];

  beforeAll(async () => {
    app = await startTestApp();
    ({ token, accountId } = await setupAccount(app));
    const modules = buildModules(app.deps);
    for (const module of modules) {
      const seed = SEEDS[module.noun];
      if (seed) ids[module.noun] = await seed(app, token, accountId);
    }
    routes = modules.flatMap((module) =>
      module.routes
        .filter(
          (route) =>
            route.methods.includes('GET') &&
            (module.scope === 'account' || module.noun === 'accounts'),
        )
        .map((route) => ({ module, path: route.path, methods: route.methods })),
    );
  });

  afterAll(() => app.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    rawRequest(app, { method: 'GET', path: url, headers: { 'X-Auth-Token': token, ...headers } });

  it('has a seed for every module with account routes (add one to SEEDS for a new module)', () => {
    const nouns = [...new Set(routes.map((route) => route.module.noun))].sort();
    expect(nouns.filter((noun) => SEEDS[noun] === undefined)).toEqual([]);
    expect(nouns).toEqual(expect.arrayContaining(['accounts', 'lists', 'things', 'users']));
  });

  it('when a GET carries the ETag it was given in If-None-Match, then 304 with no body', async () => {
    const failures: string[] = [];
    const computed: string[] = [];
    for (const route of routes) {
      const url = urlOf(route, accountId, ids[route.module.noun] ?? {});
      const first = await get(url);
      const etag = first.headers.etag;
      const body = first.body as { data?: unknown; revision?: string } | undefined;
      // Neither a document nor a listing (core.md §11): a computed answer carries no revision.
      if (
        first.status === 200 &&
        etag === undefined &&
        body &&
        !Array.isArray(body.data) &&
        !body.revision
      ) {
        computed.push(`${route.module.noun}:${route.path}`);
        continue;
      }
      if (first.status !== 200 || typeof etag !== 'string') {
        failures.push(`${url}: ${first.status}, ETag ${String(etag)}`);
        continue;
      }
      const again = await get(url, { 'If-None-Match': etag });
      if (again.status !== 304 || again.text !== '' || again.headers.etag !== etag) {
        failures.push(`${url}: If-None-Match → ${again.status} ${again.text.slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(computed).toEqual(['accounts:{A}/api_key']);
  });

  it('when HEAD is sent, then the status and headers of GET with no body', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const url = urlOf(route, accountId, ids[route.module.noun] ?? {});
      const got = await get(url);
      const head = await rawRequest(app, {
        method: 'HEAD',
        path: url,
        headers: { 'X-Auth-Token': token },
      });
      const same = ['content-type', 'etag', 'content-length'].every(
        (name) => head.headers[name] === got.headers[name],
      );
      if (head.status !== got.status || head.text !== '' || !same) {
        failures.push(`${url}: HEAD ${head.status} vs GET ${got.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('when a JSON answer is asked pretty or as JSONP, then it comes indented or wrapped', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const url = urlOf(route, accountId, ids[route.module.noun] ?? {});
      const plain = await get(url);
      if (plain.headers['content-type'] !== 'application/json') continue;
      const pretty = await get(`${url}?pretty_print=true`);
      if (!pretty.text.startsWith('{\n  "'))
        failures.push(`${url}: pretty_print → ${pretty.text.slice(0, 20)}`);
      const jsonp = await get(`${url}?jsonp=callback_1`);
      const isWrapped = jsonp.text.startsWith('callback_1({') && jsonp.text.endsWith('});');
      if (jsonp.headers['content-type'] !== 'application/javascript' || !isWrapped) {
        failures.push(
          `${url}: jsonp → ${jsonp.headers['content-type']} ${jsonp.text.slice(0, 20)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  it('when a listing is asked for CSV, a page of one, or filtered, then each works', async () => {
    const failures: string[] = [];
    let listings = 0;
    for (const route of routes) {
      const url = urlOf(route, accountId, ids[route.module.noun] ?? {});
      const plain = await get(url);
      const data = (plain.body as { data?: unknown } | undefined)?.data;
      if (!Array.isArray(data) || data.length === 0) continue;
      listings += 1;
      const csv = await get(`${url}?accept=csv`);
      const firstLine = csv.text.split('\r\n')[0] ?? '';
      if (csv.headers['content-type'] !== 'text/csv' || !firstLine.split(',').includes('id')) {
        failures.push(`${url}: csv → ${csv.headers['content-type']} ${firstLine}`);
      }
      const page = await get(`${url}?page_size=1`);
      const pageBody = page.body as { data: unknown[]; page_size: number; next_start_key?: string };
      const hasNext =
        data.length > 1
          ? typeof pageBody.next_start_key === 'string'
          : !('next_start_key' in pageBody);
      if (pageBody.page_size !== 1 || pageBody.data.length !== 1 || !hasNext) {
        failures.push(`${url}: page_size=1 → ${page.text.slice(0, 120)}`);
      }
      const kept = (await get(`${url}?has_key=_id`)).body as { data: unknown[] };
      const dropped = (await get(`${url}?key_missing=_id`)).body as { data: unknown[] };
      if (kept.data.length !== data.length || dropped.data.length !== 0) {
        failures.push(
          `${url}: filters keep ${kept.data.length}/${data.length}, drop to ${dropped.data.length}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(listings).toBeGreaterThanOrEqual(4);
  });

  it('when a PATCH of a document carries a stale If-Match, then 412 with the current revision', async () => {
    const failures: string[] = [];
    let documents = 0;
    for (const route of routes.filter((r) => r.methods.includes('PATCH'))) {
      const url = urlOf(route, accountId, ids[route.module.noun] ?? {});
      const current = (await get(url)).body as { revision: string };
      documents += 1;
      const res = await app.http
        .patch(url)
        .set('X-Auth-Token', token)
        .set('If-Match', '"1-stale"')
        .send({ data: {} });
      const body = errorEnvelope(
        412,
        'precondition_failed',
        { message: 'precondition failed', cause: current.revision },
        token,
      );
      try {
        expect(res.status).toBe(412);
        expect(res.body).toEqual(body);
      } catch {
        failures.push(`${url}: ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(documents).toBeGreaterThanOrEqual(4);
  });

  /** Listings bounded by construction, always answered whole: an account's ancestors. */
  const ALWAYS_HELD = ['accounts:{A}/parents'];

  it('when a listing is asked whole (paginate=false) past what the service holds, then it is streamed, yet the same answer', async () => {
    // The same store, an app that holds no listing: every listing with a row is streamed.
    const streaming = await startTestApp({ CROSSBAR_HELD_LISTING_ITEMS: '0' });
    const getStreamed = (url: string, headers: Record<string, string> = {}) =>
      rawRequest(streaming, {
        method: 'GET',
        path: url,
        headers: { 'X-Auth-Token': token, ...headers },
      });
    const failures: string[] = [];
    const streamedRoutes: string[] = [];
    try {
      for (const route of routes) {
        const name = `${route.module.noun}:${route.path}`;
        const url = urlOf(route, accountId, ids[route.module.noun] ?? {});
        const paged = (await get(url)).body as { page_size?: number } | undefined;
        if (paged?.page_size === undefined || ALWAYS_HELD.includes(name)) continue;
        const whole = await get(`${url}?paginate=false`);
        const data = (whole.body as { data: unknown[] }).data;
        if (data.length === 0) {
          failures.push(`${url}: no rows to stream (seed one)`);
          continue;
        }
        streamedRoutes.push(name);

        const streamed = await getStreamed(`${url}?paginate=false`);
        const etag = streamed.headers.etag ?? '';
        const body = streamed.body as { data?: unknown; revision?: string } | undefined;
        if (
          streamed.headers['transfer-encoding'] !== 'chunked' ||
          streamed.headers['content-length'] !== undefined ||
          streamed.headers['content-type'] !== 'application/json' ||
          !/^"[0-9a-f]{32}"$/.test(etag) ||
          body?.revision !== etag.slice(1, -1) ||
          JSON.stringify(body.data) !== JSON.stringify(data) ||
          streamed.text !== JSON.stringify(body)
        ) {
          failures.push(`${url}: streamed → ${streamed.status} ${streamed.text.slice(0, 80)}`);
          continue;
        }
        const csv = await getStreamed(`${url}?paginate=false&accept=csv`);
        const wholeCsv = await get(`${url}?paginate=false&accept=csv`);
        if (csv.headers['transfer-encoding'] !== 'chunked' || csv.text !== wholeCsv.text)
          failures.push(`${url}: streamed CSV differs from the whole one`);
        const pretty = await getStreamed(`${url}?paginate=false&pretty_print=true`);
        if (pretty.text !== JSON.stringify(pretty.body, null, 2))
          failures.push(`${url}: streamed pretty_print is not indented as a whole answer`);
        const jsonp = await getStreamed(`${url}?paginate=false&jsonp=cb`);
        const wrapped = /^cb\((\{.*\})\);$/s.exec(jsonp.text)?.[1] ?? '';
        // Only the request id, timestamp and tag differ from the whole answer, each as long.
        const wholeJsonp = await get(`${url}?paginate=false&jsonp=cb`);
        if (
          jsonp.headers['content-type'] !== 'application/javascript' ||
          wholeJsonp.text.length !== jsonp.text.length ||
          !wrapped.startsWith(`{"data":${JSON.stringify(data)},`)
        )
          failures.push(`${url}: streamed jsonp → ${jsonp.text.slice(0, 20)}`);
        const again = await getStreamed(`${url}?paginate=false`, { 'If-None-Match': etag });
        if (again.status !== 304 || again.text !== '')
          failures.push(`${url}: If-None-Match on a streamed listing → ${again.status}`);
        const head = await rawRequest(streaming, {
          method: 'HEAD',
          path: `${url}?paginate=false`,
          headers: { 'X-Auth-Token': token },
        });
        if (head.status !== 200 || head.text !== '' || head.headers.etag !== etag)
          failures.push(`${url}: HEAD of a streamed listing → ${head.status}`);
      }
    } finally {
      await streaming.close();
    }
    expect(failures).toEqual([]);
    expect(streamedRoutes.sort()).toEqual(
      expect.arrayContaining([
        'accounts:{A}/children',
        'accounts:{A}/descendants',
        'lists:',
        'lists:{list_id}/entries',
        'things:',
        'users:',
      ]),
    );
  });
});
