import type { TestApp } from './app';
import { md5, uniqueName } from './api';

/**
 * Helpers for the real-client suites (`test/integration/clients/`, spec clients.md): what every
 * client does before its habit can be shown, such as a user to log in with.
 */

/** A jQuery `cache:false` buster, as monster-ui appends to every GET (`?_=<ms>`). */
export const CACHE_BUSTER = '_=1700000000000';

/** The `ui_metadata` monster-ui adds to every write. */
export const UI_METADATA = { version: '4.3-58', ui: 'monster-ui', origin: 'accounts' };

export interface LoginUser {
  id: string;
  username: string;
  password: string;
  /** md5 of `"<username>:<password>"`: the `credentials` every client sends. */
  credentials: string;
}

/** Creates a user (with a password) in `accountId` through the API. */
export async function createLoginUser(
  app: TestApp,
  token: string,
  accountId: string,
  extra: Record<string, unknown> = {},
): Promise<LoginUser> {
  const username = uniqueName('user');
  const password = `pw-${uniqueName('secret')}`;
  const res = await app.http
    .put(`/v2/accounts/${accountId}/users`)
    .set('X-Auth-Token', token)
    .send({
      data: { username, password, first_name: 'Client', last_name: 'User', ...extra },
    });
  if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${res.text}`);
  return {
    id: res.body.data.id as string,
    username,
    password,
    credentials: md5(`${username}:${password}`),
  };
}

/** Reads an account's `name` and `realm` through the API (admin token). */
export async function fetchAccount(
  app: TestApp,
  token: string,
  accountId: string,
): Promise<{ name: string; realm: string }> {
  const res = await app.http.get(`/v2/accounts/${accountId}`).set('X-Auth-Token', token);
  if (res.status !== 200) throw new Error(`account fetch failed: ${res.status} ${res.text}`);
  return { name: res.body.data.name as string, realm: res.body.data.realm as string };
}

/** Reads an account's api key through the API. */
export async function fetchApiKey(app: TestApp, token: string, accountId: string) {
  const res = await app.http.get(`/v2/accounts/${accountId}/api_key`).set('X-Auth-Token', token);
  if (res.status !== 200) throw new Error(`api_key failed: ${res.status} ${res.text}`);
  return res.body.data.api_key as string;
}

/** `/v2/accounts/{A}/lists` plus any further path segments. */
export function listsPath(accountId: string, ...rest: string[]): string {
  return ['/v2/accounts', accountId, 'lists', ...rest].join('/');
}

/** `error` as a client that does `parseInt(body.error, 10)` reads it. */
export function errorCode(body: unknown): number {
  return Number.parseInt(String((body as { error?: unknown }).error), 10);
}

/** The `id` of each row of a listing's `data`. */
export function rowIds(data: unknown): string[] {
  return (data as Array<{ id: string }>).map((row) => row.id);
}
