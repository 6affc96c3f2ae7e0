import type { AccountDoc, Couch } from './client';
import { findDoc } from './docs';

interface Entry {
  doc: AccountDoc | undefined;
  expires: number;
}

/**
 * Account documents from the `accounts` database, cached per process for at most `ttlMs` so the
 * hot path (token check, account in the URL, authorization) costs no CouchDB round trip.
 * Writes on this replica update the cache at once; other replicas see them within `ttlMs`.
 */
export class AccountDirectory {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly couch: Couch,
    private readonly ttlMs = 5000,
    private readonly maxEntries = 10_000,
  ) {}

  /** The account doc, deleted ones included (callers decide), or undefined when there is none. */
  async get(accountId: string): Promise<AccountDoc | undefined> {
    const now = Date.now();
    const cached = this.entries.get(accountId);
    if (cached && cached.expires > now) return cached.doc;
    const doc = await findDoc(this.couch.accounts, accountId);
    this.remember(accountId, doc, now);
    return doc;
  }

  /** Records a doc this replica has just written. */
  remember(accountId: string, doc: AccountDoc | undefined, now = Date.now()): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(accountId, { doc, expires: now + this.ttlMs });
  }

  forget(accountId: string): void {
    this.entries.delete(accountId);
  }
}

/** Live: exists and not soft-deleted. */
export function isLiveAccount(doc: AccountDoc | undefined): doc is AccountDoc {
  return doc !== undefined && doc.pvt_deleted !== true && (doc.pvt_type ?? 'account') === 'account';
}
