import { randomBytes } from 'node:crypto';
import type { AccountDoc, Couch, StoredDoc } from '../../couch/client';
import { accountDb, accountDbName, encodedAccountDb } from '../../couch/account-db';
import type { AccountDirectory } from '../../couch/account-directory';
import { ensureDesignDocs } from '../../couch/design-docs';
import { findDoc, isCouchStatus, toApiError, writeDoc } from '../../couch/docs';
import { queryView } from '../../couch/views';
import {
  alphanumName,
  gregorianNow,
  stampPrivateFields,
  type JsonObject,
  type SaveStamp,
} from '../../core/documents';
import { validationFailure } from '../../core/errors';
import type { Logger } from '../../logger';

/** Account ids of live accounts under one key of an `accounts` view. */
async function accountIdsBy(
  couch: Couch,
  view: string,
  key: string,
  log?: Logger,
): Promise<string[]> {
  const rows = await queryView(couch.accounts, 'accounts', 'accounts', view, { key }, log);
  return rows.map((row) => row.id);
}

export function findAccountIdsByName(couch: Couch, name: string, log?: Logger): Promise<string[]> {
  return accountIdsBy(couch, 'listing_by_name', alphanumName(name), log);
}

export function findAccountIdsByRealm(
  couch: Couch,
  realm: string,
  log?: Logger,
): Promise<string[]> {
  return accountIdsBy(couch, 'listing_by_realm', realm.toLowerCase(), log);
}

export function findAccountIdsByApiKey(
  couch: Couch,
  apiKey: string,
  log?: Logger,
): Promise<string[]> {
  return accountIdsBy(couch, 'listing_by_api', apiKey, log);
}

/** Whether the account has live child accounts. */
export async function hasChildren(couch: Couch, accountId: string, log?: Logger): Promise<boolean> {
  const rows = await queryView(
    couch.accounts,
    'accounts',
    'accounts',
    'listing_by_children',
    { startkey: [accountId], endkey: [accountId, {}], limit: 1 },
    log,
  );
  return rows.length > 0;
}

/** 400 `name.unique` / `realm.unique` when another live account holds the value (DECISION 6). */
export async function checkUnique(
  couch: Couch,
  doc: { _id: string; name?: unknown; realm?: unknown },
  log?: Logger,
): Promise<void> {
  if (typeof doc.name === 'string') {
    const others = (await findAccountIdsByName(couch, doc.name, log)).filter(
      (id) => id !== doc._id,
    );
    if (others.length > 0) {
      throw validationFailure('name', 'unique', {
        message: 'Account name already in use',
        cause: doc.name,
      });
    }
  }
  if (typeof doc.realm === 'string') {
    const others = (await findAccountIdsByRealm(couch, doc.realm, log)).filter(
      (id) => id !== doc._id,
    );
    if (others.length > 0) {
      throw validationFailure('realm', 'unique', {
        message: 'Account realm already in use',
        cause: doc.realm,
      });
    }
  }
}

/** A realm for an account that did not name one: 6 random hex + `.` + the configured suffix. */
export function generateRealm(suffix: string): string {
  return `${randomBytes(3).toString('hex')}.${suffix}`;
}

export interface NewAccount {
  id: string;
  /** Validated public fields (name, realm, …). */
  data: JsonObject;
  parent: AccountDoc | undefined;
  masterAccountId: string | undefined;
  isEnabled: boolean;
  /** Bootstrap only: the master account. */
  isMaster?: boolean;
  stamp: Omit<SaveStamp, 'type' | 'accountId' | 'accountDb'>;
}

/** `pvt_reseller_id` of a child: the parent if it is a reseller, else the parent's reseller. */
function resellerFor(
  parent: AccountDoc | undefined,
  masterAccountId: string | undefined,
  id: string,
): string {
  if (!parent) return masterAccountId ?? id;
  if (parent.pvt_reseller === true) return parent._id;
  return parent.pvt_reseller_id ?? masterAccountId ?? parent._id;
}

/**
 * Creates an account: its database with every design document, then the doc in that database
 * and in `accounts`. On any failure after the database exists, everything is rolled back.
 */
export async function createAccount(
  couch: Couch,
  directory: AccountDirectory,
  account: NewAccount,
  log: Logger,
): Promise<AccountDoc> {
  const { id, parent } = account;
  const base: AccountDoc = {
    ...account.data,
    _id: id,
    pvt_tree: parent ? [...(parent.pvt_tree ?? []), parent._id] : [],
    pvt_api_key: randomBytes(32).toString('hex'),
    pvt_enabled: account.isEnabled,
    pvt_superduper_admin: account.isMaster === true,
    pvt_wnm_allow_additions: false,
    pvt_reseller: account.isMaster === true,
    pvt_reseller_id: resellerFor(parent, account.masterAccountId, id),
  };
  const doc = stampPrivateFields(
    base,
    { ...account.stamp, type: 'account', accountId: id, accountDb: encodedAccountDb(id) },
    true,
  ) as AccountDoc;

  const dbName = accountDbName(id);
  const claims: Array<[UniqueField, string]> = [];
  let isDbCreated = false;
  try {
    for (const [field, value] of uniqueValues(doc)) {
      await claimUnique(couch, field, value, id);
      claims.push([field, value]);
    }
    try {
      await couch.server.db.create(dbName);
      isDbCreated = true;
    } catch (err) {
      // The database exists: that id is taken (a client-chosen id, or a crash we must not overwrite).
      throw toApiError(isCouchStatus(err, 412) ? { statusCode: 409 } : err, id);
    }
    await ensureDesignDocs(accountDb(couch, id), 'account', log);
    await writeDoc(accountDb(couch, id), doc);
    const saved = (await writeDoc(couch.accounts, doc)) as AccountDoc;
    directory.remember(id, saved);
    log.info({ account_id: id, account_db: dbName }, 'created account');
    return saved;
  } catch (err) {
    await rollbackAccount(couch, id, isDbCreated, claims, log);
    throw err;
  }
}

/** How a unique account field is compared, and what a clash says (spec §2.1). */
const UNIQUE_FIELDS = {
  name: { normalize: alphanumName, message: 'Account name already in use' },
  realm: {
    normalize: (realm: string) => realm.toLowerCase(),
    message: 'Account realm already in use',
  },
} as const;
type UniqueField = keyof typeof UNIQUE_FIELDS;

/** How long a claim counts while its account does not exist yet (its create is in flight). */
const CLAIM_GRACE_S = 60;

function claimId(field: UniqueField, value: string): string {
  return `crossbar_ts_unique_${field}_${UNIQUE_FIELDS[field].normalize(value)}`;
}

function notUnique(field: UniqueField, value: string) {
  return validationFailure(field, 'unique', {
    message: UNIQUE_FIELDS[field].message,
    cause: value,
  });
}

/** A claim whose account is gone, deleted or renamed, or never appeared in time, is free. */
async function isStaleClaim(
  couch: Couch,
  claim: StoredDoc,
  field: UniqueField,
  value: string,
): Promise<boolean> {
  const holder = await findDoc(couch.accounts, String(claim.account_id));
  if (!holder) return gregorianNow() - Number(claim.pvt_created) > CLAIM_GRACE_S;
  if (holder.pvt_deleted === true) return true;
  const held = holder[field];
  const { normalize } = UNIQUE_FIELDS[field];
  return typeof held !== 'string' || normalize(held) !== normalize(value);
}

/**
 * Claims a name or realm for an account being created: a create-if-absent document in
 * `accounts`, so of concurrent creates on any replica exactly one gets it (the view check
 * before it only sees accounts already saved).
 */
async function claimUnique(
  couch: Couch,
  field: UniqueField,
  value: string,
  accountId: string,
): Promise<void> {
  const _id = claimId(field, value);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const existing = await findDoc(couch.accounts, _id);
    if (
      existing &&
      existing.account_id !== accountId &&
      !(await isStaleClaim(couch, existing, field, value))
    ) {
      throw notUnique(field, value);
    }
    if (existing?.account_id === accountId) return;
    try {
      const claim = {
        account_id: accountId,
        pvt_type: 'crossbar_ts_claim',
        pvt_created: gregorianNow(),
      };
      await couch.accounts.insert({
        ...claim,
        _id,
        ...(existing?._rev ? { _rev: existing._rev } : {}),
      });
      return;
    } catch (err) {
      // Someone else wrote the claim first: read it again and judge.
      if (!isCouchStatus(err, 409)) throw toApiError(err, _id);
    }
  }
  throw notUnique(field, value);
}

/** Gives a claim back after a failed create. */
async function releaseClaim(
  couch: Couch,
  field: UniqueField,
  value: string,
  accountId: string,
): Promise<void> {
  const claim = await findDoc(couch.accounts, claimId(field, value));
  if (claim?._rev && claim.account_id === accountId)
    await couch.accounts.destroy(claim._id, claim._rev);
}

function uniqueValues(doc: AccountDoc): Array<[UniqueField, string]> {
  return (['name', 'realm'] as const).flatMap((field) => {
    const value = doc[field];
    return typeof value === 'string' ? [[field, value] as [UniqueField, string]] : [];
  });
}

async function rollbackAccount(
  couch: Couch,
  id: string,
  isDbCreated: boolean,
  claims: Array<[UniqueField, string]>,
  log: Logger,
): Promise<void> {
  try {
    for (const [field, value] of claims) await releaseClaim(couch, field, value, id);
    if (!isDbCreated) return;
    const copy = await findDoc(couch.accounts, id);
    if (copy?._rev) await couch.accounts.destroy(id, copy._rev);
    await couch.server.db.destroy(accountDbName(id));
    log.info({ account_id: id }, 'rolled back account creation');
  } catch (err) {
    log.error({ err, account_id: id }, 'rollback of a failed account creation failed');
  }
}

/** Writes an account doc to its own database, then to `accounts` (spec §2: both copies). */
export async function saveAccount(
  couch: Couch,
  directory: AccountDirectory,
  doc: AccountDoc,
  stamp: Omit<SaveStamp, 'type'>,
): Promise<AccountDoc> {
  const stamped = stampPrivateFields(doc, { ...stamp, type: 'account' }, false) as AccountDoc;
  const own = accountDb(couch, doc._id);
  const ownCopy = await findDoc(own, doc._id);
  await writeDoc(own, { ...stamped, _rev: ownCopy?._rev });
  const saved = (await writeDoc(couch.accounts, stamped)) as AccountDoc;
  directory.remember(saved._id, saved);
  return saved;
}

/**
 * Deletes an account: soft-deleted (and disabled) in `accounts`, its database dropped. A failed
 * drop leaves the account deleted and is logged (spec §3.5).
 */
export async function deleteAccount(
  couch: Couch,
  directory: AccountDirectory,
  current: AccountDoc,
  stamp: Omit<SaveStamp, 'type'>,
  log: Logger,
): Promise<AccountDoc> {
  const stamped = stampPrivateFields(
    { ...current, pvt_deleted: true, pvt_enabled: false },
    { ...stamp, type: 'account' },
    false,
  ) as AccountDoc;
  const saved = (await writeDoc(couch.accounts, stamped)) as AccountDoc;
  directory.remember(saved._id, saved);
  try {
    await couch.server.db.destroy(accountDbName(current._id));
  } catch (err) {
    log.error(
      { err, account_id: current._id },
      'account deleted but its database could not be dropped',
    );
  }
  return saved;
}
