import type { Couch, Db } from './client';

/** 32 lowercase hex: the only account ids we create or accept from clients. */
export const ACCOUNT_ID_PATTERN = /^[0-9a-f]{32}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID_PATTERN.test(value);
}

/** `account/aa/bb/<28 more>`: KAZOO's unencoded account database name. */
export function accountDbName(accountId: string): string {
  return `account/${accountId.slice(0, 2)}/${accountId.slice(2, 4)}/${accountId.slice(4)}`;
}

/** `account%2Faa%2Fbb%2F…`: the form KAZOO stores in `pvt_account_db`. */
export function encodedAccountDb(accountId: string): string {
  return encodeURIComponent(accountDbName(accountId));
}

/** The account id inside a database name, encoded (`%2F`, `%2f`) or not; undefined if none. */
export function accountIdFromDb(dbName: string): string | undefined {
  const match = /^account\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{28})$/.exec(
    decodeURIComponent(dbName),
  );
  return match ? `${match[1]}${match[2]}${match[3]}` : undefined;
}

export function accountDb(couch: Couch, accountId: string): Db {
  return couch.use(accountDbName(accountId));
}
