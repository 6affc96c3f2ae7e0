import { randomBytes } from 'node:crypto';
import { ApiError } from '../core/errors';
import { stampPrivateFields, type SaveStamp } from '../core/documents';
import type { Db, StoredDoc } from './client';

/** The nano error fields we branch on (never on `reason` prose: the two backends differ). */
interface CouchFailure {
  statusCode?: number;
  error?: string;
  reason?: string;
  message?: string;
}

/** A new document id: 32 lowercase hex, as KAZOO makes them. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

export function isCouchStatus(err: unknown, status: number): boolean {
  return (err as CouchFailure | undefined)?.statusCode === status;
}

/**
 * Every CouchDB failure becomes a crossbar error here and nowhere else
 * (`crossbar_doc:handle_datamgr_errors`). `id` names the document for a 404's `cause`. An error
 * that is neither CouchDB's nor the connection's is rethrown as it is.
 */
export function toApiError(err: unknown, id?: string): ApiError {
  if (err instanceof ApiError) return err;
  const failure = (err ?? {}) as CouchFailure;
  const status = failure.statusCode;
  if (status === undefined) {
    // No HTTP answer at all: refused, reset, DNS, timeout. Anything else without a status is a
    // fault on our side (a stack overflow serialising a document…): a 500 with its stack logged.
    if (isConnectionFailure(err)) return new ApiError('datastore_unreachable');
    throw err;
  }
  if (status === 404) {
    if (failure.reason === 'missing_named_view' || /view/i.test(failure.reason ?? '')) {
      return new ApiError('datastore missing view', { data: {} });
    }
    if (
      id === undefined ||
      failure.reason === 'Database does not exist.' ||
      failure.reason === 'no_db_file'
    ) {
      return new ApiError('datastore_missing');
    }
    return new ApiError('bad_identifier', { cause: id });
  }
  if (status === 409) return new ApiError('datastore_conflict');
  if (status === 502 || status === 503 || status === 504)
    return new ApiError('datastore_unreachable');
  return new ApiError('datastore_fault', { cause: failure.error ?? failure.reason ?? 'unknown' });
}

/** nano's ways of saying the request never got an HTTP answer. */
function isConnectionFailure(err: unknown): boolean {
  const failure = (err ?? {}) as {
    code?: unknown;
    scope?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  return (
    failure.scope === 'socket' ||
    (typeof failure.code === 'string' && failure.code.startsWith('E')) ||
    (typeof failure.message === 'string' &&
      failure.message.startsWith('error happened in your connection')) ||
    failure.cause !== undefined
  );
}

/** Loads a doc; missing, soft-deleted or of another `pvt_type` → 404 `bad_identifier`. */
export async function loadDoc(db: Db, id: string, type?: string): Promise<StoredDoc> {
  let doc: StoredDoc;
  try {
    doc = await db.get(id);
  } catch (err) {
    throw toApiError(err, id);
  }
  const storedType = doc.pvt_type;
  if (
    doc.pvt_deleted === true ||
    (type !== undefined && storedType !== undefined && storedType !== type)
  ) {
    throw new ApiError('bad_identifier', { cause: id });
  }
  return doc;
}

/** Reads a doc that may be absent (system docs); other failures still throw. */
export async function findDoc(db: Db, id: string): Promise<StoredDoc | undefined> {
  try {
    return await db.get(id);
  } catch (err) {
    if (isCouchStatus(err, 404)) return undefined;
    throw toApiError(err, id);
  }
}

/** Stamps the private fields and writes; the returned doc carries its new `_rev`. */
export async function saveDoc(db: Db, doc: StoredDoc, stamp: SaveStamp): Promise<StoredDoc> {
  const isNew = doc._rev === undefined;
  const stamped = stampPrivateFields(doc, stamp, isNew);
  return writeDoc(db, stamped);
}

/** Writes a doc as it is (no stamping), mapping errors. */
export async function writeDoc(db: Db, doc: StoredDoc): Promise<StoredDoc> {
  try {
    const result = await db.insert(doc);
    return { ...doc, _id: result.id, _rev: result.rev };
  } catch (err) {
    throw toApiError(err, doc._id);
  }
}

/** Soft delete (crossbar's default): `pvt_deleted: true`, the doc stays for KAZOO's history. */
export async function softDeleteDoc(db: Db, doc: StoredDoc, stamp: SaveStamp): Promise<StoredDoc> {
  return saveDoc(db, { ...doc, pvt_deleted: true }, stamp);
}

/** CouchDB delete; returns the tombstone's `_rev`. */
export async function hardDeleteDoc(db: Db, doc: StoredDoc): Promise<string> {
  try {
    const result = await db.destroy(doc._id, doc._rev ?? '');
    return result.rev;
  } catch (err) {
    throw toApiError(err, doc._id);
  }
}

/** One document `_bulk_docs` could not delete. */
export interface BulkFailure {
  id: string;
  error: string;
}

/** Hard-deletes docs in one `_bulk_docs` call; returns the ones that failed (the rest are gone). */
export async function bulkHardDelete(db: Db, docs: StoredDoc[]): Promise<BulkFailure[]> {
  let results: Array<{ id?: string; error?: string }>;
  try {
    results = await db.bulk({
      docs: docs.map((doc) => ({ _id: doc._id, _rev: doc._rev, _deleted: true })),
    });
  } catch (err) {
    throw toApiError(err);
  }
  return results
    .filter((result) => result.error !== undefined)
    .map((result) => ({ id: result.id ?? '', error: String(result.error) }));
}
