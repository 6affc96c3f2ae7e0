import { randomBytes } from 'node:crypto';
import type { Config } from './config';
import type { AccountDoc, Couch } from './couch/client';
import { accountDb, encodedAccountDb } from './couch/account-db';
import type { AccountDirectory } from './couch/account-directory';
import { findDoc, isCouchStatus, newId, saveDoc, toApiError, writeDoc } from './couch/docs';
import { queryView } from './couch/views';
import { gregorianNow } from './core/documents';
import type { Logger } from './logger';
import { createAccount, findAccountIdsByName } from './modules/accounts/account-store';
import { applyPassword } from './modules/users/users.module';

const CONFIG_DOC = 'accounts';
const LOCK_DOC = 'crossbar_ts_bootstrap';
const STALE_LOCK_S = 300;
const WAIT_FOR_OTHER_MS = 60_000;

/** The master account id KAZOO keeps in `system_config/accounts`, if that account exists. */
async function knownMaster(couch: Couch, directory: AccountDirectory): Promise<string | undefined> {
  const config = await findDoc(couch.systemConfig, CONFIG_DOC);
  const defaults = config?.default as { master_account_id?: unknown } | undefined;
  const id = defaults?.master_account_id;
  if (typeof id !== 'string') return undefined;
  const account = await directory.get(id);
  return account && account.pvt_deleted !== true ? id : undefined;
}

async function takeLock(couch: Couch, log: Logger): Promise<boolean> {
  try {
    await couch.systemConfig.insert({ _id: LOCK_DOC, pvt_created: gregorianNow() });
    return true;
  } catch (err) {
    if (!isCouchStatus(err, 409)) throw toApiError(err, LOCK_DOC);
  }
  const lock = await findDoc(couch.systemConfig, LOCK_DOC);
  if (lock && gregorianNow() - Number(lock.pvt_created) > STALE_LOCK_S) {
    log.warn('removing a stale bootstrap lock');
    try {
      await couch.systemConfig.destroy(LOCK_DOC, lock._rev!);
    } catch (err) {
      // Another replica removed it first; the retry below settles who holds it now.
      log.info({ err }, 'stale bootstrap lock already gone');
    }
    return takeLock(couch, log);
  }
  return false;
}

/**
 * Makes sure a master account and its admin user exist (spec accounts-auth.md §8), idempotently
 * and once across replicas. Returns the master account id.
 */
export async function bootstrapMaster(
  couch: Couch,
  directory: AccountDirectory,
  config: Config,
  log: Logger,
): Promise<string> {
  const existing = await knownMaster(couch, directory);
  if (existing) return existing;
  if (!(await takeLock(couch, log))) {
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    log.info('another replica is bootstrapping the master account; waiting');
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const master = await knownMaster(couch, directory);
      if (master) return master;
    }
    throw new Error('timed out waiting for another replica to bootstrap the master account');
  }

  const master = await findOrCreateMaster(couch, directory, config, log);
  await ensureAdminUser(couch, master, config, log);
  const configDoc = (await findDoc(couch.systemConfig, CONFIG_DOC)) ?? { _id: CONFIG_DOC };
  const defaults = (configDoc.default as Record<string, unknown> | undefined) ?? {};
  await writeDoc(couch.systemConfig, {
    ...configDoc,
    default: { ...defaults, master_account_id: master._id },
  });
  const lock = await findDoc(couch.systemConfig, LOCK_DOC);
  if (lock?._rev) await couch.systemConfig.destroy(LOCK_DOC, lock._rev);
  log.info({ account_id: master._id, name: master.name }, 'master account ready');
  return master._id;
}

async function findOrCreateMaster(
  couch: Couch,
  directory: AccountDirectory,
  config: Config,
  log: Logger,
): Promise<AccountDoc> {
  // A crash after creating the account last time: reuse it.
  for (const id of await findAccountIdsByName(couch, config.masterAccount, log)) {
    const doc = await directory.get(id);
    if (doc && (doc.pvt_tree ?? []).length === 0) return doc;
  }
  return createAccount(
    couch,
    directory,
    {
      id: newId(),
      data: { name: config.masterAccount, realm: config.masterRealm },
      parent: undefined,
      masterAccountId: undefined,
      isEnabled: true,
      isMaster: true,
      stamp: {},
    },
    log,
  );
}

async function ensureAdminUser(
  couch: Couch,
  master: AccountDoc,
  config: Config,
  log: Logger,
): Promise<void> {
  const db = accountDb(couch, master._id);
  const rows = await queryView(
    db,
    'account',
    'users',
    'list_by_username',
    { key: config.adminUser },
    log,
  );
  if (rows.length > 0) return;
  const password = config.adminPassword ?? randomBytes(18).toString('base64url');
  const user = applyPassword({
    _id: newId(),
    username: config.adminUser,
    password,
    first_name: 'Admin',
    last_name: 'User',
    priv_level: 'admin',
    enabled: true,
  });
  await saveDoc(db, user, {
    type: 'user',
    accountId: master._id,
    accountDb: encodedAccountDb(master._id),
  });
  if (config.adminPassword === undefined) {
    // The one time a secret is logged: nobody could log in otherwise.
    log.warn(
      { account_name: master.name, username: config.adminUser, generated_password: password },
      'created the master admin user with a generated password; set CROSSBAR_ADMIN_PASSWORD to choose one',
    );
  } else {
    log.info(
      { account_name: master.name, username: config.adminUser },
      'created the master admin user',
    );
  }
}
