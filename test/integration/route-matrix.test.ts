import { buildModules } from '../../src/modules';
import type { CrossbarModule, HttpMethod } from '../../src/core/types';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  apiKeyToken,
  createAccount,
  errorEnvelope,
  expectJsonHeaders,
  loginAsAdmin,
} from '../helpers/api';

/**
 * Every route of every registered module, read from the modules' own route tables, so that a new
 * module or route cannot skip the pipeline's checks: without a token → 401, with the token of an
 * unrelated (sibling) account → 403, before any module code runs.
 */
const FILLER = 'f'.repeat(32);

interface Case {
  module: string;
  method: HttpMethod;
  path: string;
}

function pathOf(module: CrossbarModule, routePath: string, accountId: string): string {
  const rest = routePath
    .split('/')
    .filter(Boolean)
    .map((token) => (token === '{A}' ? accountId : token.startsWith('{') ? FILLER : token));
  if (module.noun === 'accounts') return ['/v2/accounts', ...rest].join('/');
  if (module.scope === 'account')
    return ['/v2/accounts', accountId, module.noun, ...rest].join('/');
  return ['/v2', module.noun, ...rest].join('/');
}

/** The account-bound routes: those authorization guards (root auth routes are public or any-token). */
function accountRoutes(modules: CrossbarModule[], accountId: string): Case[] {
  const cases: Case[] = [];
  for (const module of modules) {
    for (const route of module.routes) {
      const isAccountBound =
        module.scope === 'account' || (module.noun === 'accounts' && route.path !== '');
      if (!isAccountBound) continue;
      for (const method of route.methods) {
        cases.push({ module: module.noun, method, path: pathOf(module, route.path, accountId) });
      }
    }
  }
  return cases;
}

describe('authorization on every route of every module', () => {
  let app: TestApp;
  let victimId: string;
  let siblingToken: string;
  let cases: Case[];

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await loginAsAdmin(app);
    victimId = await createAccount(app, admin, app.deps.masterAccountId);
    const siblingId = await createAccount(app, admin, app.deps.masterAccountId);
    siblingToken = await apiKeyToken(app, admin, siblingId);
    cases = accountRoutes(buildModules(app.deps), victimId);
  });

  afterAll(() => app.close());

  function send(method: HttpMethod, path: string) {
    const verb = method.toLowerCase() as 'get' | 'put' | 'post' | 'patch' | 'delete';
    return app.http[verb](path).set('Content-Type', 'application/json').send('{"data":{}}');
  }

  it('covers every module that has account routes', () => {
    const covered = new Set(cases.map((c) => c.module));
    const expected = buildModules(app.deps)
      .filter((m) => m.scope === 'account' || m.noun === 'accounts')
      .map((m) => m.noun);
    expect([...covered].sort()).toEqual(expected.sort());
    expect(cases.length).toBeGreaterThanOrEqual(expected.length * 2);
  });

  it('when a sibling account’s token is used, then every route answers 403 forbidden', async () => {
    const failures: string[] = [];
    for (const { method, path } of cases) {
      const res = await send(method, path).set('X-Auth-Token', siblingToken);
      const body = errorEnvelope(403, 'forbidden', { message: 'forbidden' }, siblingToken);
      if (res.status !== 403 || !isEqual(res.body, body))
        failures.push(`${method} ${path} → ${res.status} ${res.text}`);
      else expectJsonHeaders(res);
    }
    expect(failures).toEqual([]);
  });

  it('when no token is sent, then every route answers 401 invalid_credentials', async () => {
    const failures: string[] = [];
    for (const { method, path } of cases) {
      const res = await send(method, path);
      const body = errorEnvelope(401, 'invalid_credentials', { message: 'invalid credentials' });
      if (res.status !== 401 || !isEqual(res.body, body))
        failures.push(`${method} ${path} → ${res.status} ${res.text}`);
    }
    expect(failures).toEqual([]);
  });
});

/** toEqual as a boolean, so one test can report every failing route at once. */
function isEqual(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}
