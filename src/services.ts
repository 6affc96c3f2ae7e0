import type { AppDeps } from './app';
import { bootstrapMaster } from './bootstrap';
import type { Config } from './config';
import { Couch, SYSTEM_DBS } from './couch/client';
import { accountDb, accountIdFromDb } from './couch/account-db';
import { AccountDirectory } from './couch/account-directory';
import { ensureDesignDocs } from './couch/design-docs';
import { isCouchStatus } from './couch/docs';
import { loadSigningKey, TokenService } from './core/tokens';
import type { Logger } from './logger';

/** Waits for CouchDB to answer (docker-compose may start us first), up to `timeoutMs`. */
export async function waitForCouch(couch: Couch, log: Logger, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await couch.server.info();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      log.info({ attempt }, 'waiting for CouchDB');
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2000)));
    }
  }
}

async function ensureDatabase(couch: Couch, name: string): Promise<void> {
  try {
    await couch.server.db.create(name);
  } catch (err) {
    // 412: it exists already, which is what we want.
    if (!isCouchStatus(err, 412)) throw err;
  }
}

/**
 * Everything the app stands on: system databases, `_design/accounts`, the signing key and the
 * master account. Safe to run on every start and from several replicas at once.
 */
export async function prepareServices(
  config: Config,
  couchUrl: string,
  log: Logger,
): Promise<AppDeps> {
  const couch = new Couch(couchUrl);
  await waitForCouch(couch, log);
  for (const name of Object.values(SYSTEM_DBS)) await ensureDatabase(couch, name);
  await ensureDesignDocs(couch.accounts, 'accounts', log);
  const key = await loadSigningKey(couch);
  const accounts = new AccountDirectory(couch);
  const tokens = new TokenService(couch, accounts, key, config.tokenTtlS);
  const masterAccountId = await bootstrapMaster(couch, accounts, config, log);
  return { config, couch, accounts, tokens, log, masterAccountId };
}

/** Brings the design documents of every account database up to date, with progress in the log. */
export async function syncAccountDesignDocs(couch: Couch, log: Logger): Promise<void> {
  const names = (await couch.server.db.list()).filter(
    (name) => accountIdFromDb(name) !== undefined,
  );
  let done = 0;
  for (const name of names) {
    await ensureDesignDocs(accountDb(couch, accountIdFromDb(name)!), 'account', log);
    done += 1;
    if (done % 100 === 0 || done === names.length) {
      log.info({ done, total: names.length }, 'design documents checked');
    }
  }
}
