import { isDeepStrictEqual } from 'node:util';
import { ApiError } from '../core/errors';
import type { Filter } from '../core/filters';
import { encodeStartKey, type PageRequest, type StartPosition } from '../core/pagination';
import type { PageInfo } from '../core/envelope';
import type { Logger } from '../logger';
import type { Db, StoredDoc } from './client';
import { isCouchStatus, toApiError } from './docs';
import { ensureDesignDocs, type DbClass } from './design-docs';

export interface ViewRow {
  id: string;
  key: unknown;
  value: unknown;
  doc?: StoredDoc | null;
}

export interface ViewParams {
  startkey?: unknown;
  endkey?: unknown;
  limit?: number;
  skip?: number;
  include_docs?: boolean;
  key?: unknown;
  reduce?: boolean;
}

/**
 * Queries a view. A missing design document or view is installed from `couch-views/` and the
 * query retried once (core.md §15); still missing → 503.
 */
export async function queryView(
  db: Db,
  dbClass: DbClass,
  design: string,
  view: string,
  params: ViewParams,
  log?: Logger,
): Promise<ViewRow[]> {
  const run = async (): Promise<ViewRow[]> => {
    const result = await db.view(design, view, { reduce: false, ...params } as never);
    return result.rows;
  };
  try {
    return await run();
  } catch (err) {
    // We only build valid queries; the one a client can spoil is a range turned upside down by a
    // `start_key` past the range's end, which CouchDB refuses and which simply holds no rows.
    if (isCouchStatus(err, 400) && (err as { error?: string }).error === 'query_parse_error')
      return [];
    if (!isCouchStatus(err, 404) || !(await databaseExists(db))) throw toApiError(err);
    await ensureDesignDocs(db, dbClass, log);
    try {
      return await run();
    } catch (retryErr) {
      if (isCouchStatus(retryErr, 404)) throw new ApiError('datastore missing view', { data: {} });
      throw toApiError(retryErr);
    }
  }
}

async function databaseExists(db: Db): Promise<boolean> {
  try {
    await db.info();
    return true;
  } catch (err) {
    if (isCouchStatus(err, 404)) throw new ApiError('datastore_missing');
    throw toApiError(err);
  }
}

/** A paginated view read: KAZOO's view, a range within it, and how a row becomes an item. */
export interface Listing {
  dbClass: DbClass;
  design: string;
  view: string;
  startkey?: unknown;
  endkey?: unknown;
  toItem: (row: ViewRow) => unknown;
  /** Maps a client's `start_key` into this range (undefined: from the top); default: as sent. */
  resolveStart?: (start: StartPosition) => StartPosition | undefined;
}

export interface ListingResult {
  items: unknown[];
  /** Absent when `paginate=false`. */
  page?: PageInfo;
}

/** Rows per view query when reading a listing whole (filtered pages and `paginate=false`). */
const CHUNK = 1000;

/** A range of a view whose keys are unique, read from `startkey` on. */
export interface ViewRange {
  dbClass: DbClass;
  design: string;
  view: string;
  startkey?: unknown;
  endkey?: unknown;
  /** The first row at `startkey` whose id sorts before this is skipped (DECISION 12). */
  startDocId?: string;
}

/**
 * Reads a range in chunks, yielding each chunk's rows; the caller stops it by leaving its loop.
 * Never `startkey_docid` (the embedded server ignores it): keys are unique, so each chunk starts
 * at the last key read and skips that one row.
 */
export async function* readView(
  db: Db,
  range: ViewRange,
  options: { chunk: (read: number) => number; includeDocs: boolean },
  log?: Logger,
): AsyncGenerator<ViewRow[], void, undefined> {
  let startkey = range.startkey;
  let skipKey = false;
  let skipBefore = range.startDocId;
  for (let read = 0; ;) {
    const limit = options.chunk(read) + (skipKey ? 1 : 0);
    const params: ViewParams = { limit, include_docs: options.includeDocs };
    if (startkey !== undefined) params.startkey = startkey;
    if (range.endkey !== undefined) params.endkey = range.endkey;
    const rows = await queryView(db, range.dbClass, range.design, range.view, params, log);
    const fresh = rows.filter((row) => {
      const isStart = isDeepStrictEqual(row.key, startkey);
      return !(isStart && (skipKey || (skipBefore !== undefined && row.id < skipBefore)));
    });
    read += fresh.length;
    yield fresh;
    const last = rows.at(-1);
    if (!last || rows.length < limit) return;
    startkey = last.key;
    skipKey = true;
    skipBefore = undefined;
  }
}

function isKept(row: ViewRow, filters: Filter[]): boolean {
  return filters.length === 0 || (!!row.doc && filters.every((keep) => keep(row.doc!)));
}

/** The view range a listing starts from, with the client's `start_key` mapped into it. */
function listingRange(listing: Listing, start: StartPosition | undefined): ViewRange {
  const from = start && (listing.resolveStart ? listing.resolveStart(start) : start);
  return {
    ...listing,
    ...(from ? { startkey: from.key } : {}),
    ...(from?.docId !== undefined ? { startDocId: from.docId } : {}),
  };
}

/**
 * Reads one page of a view whose keys are unique (core.md §9): `limit = page_size + 1`, the
 * extra row becoming `next_start_key`. With filters, rows carry their docs and reading goes on
 * until the page is full or the rows run out.
 */
export async function queryListing(
  db: Db,
  listing: Listing,
  page: PageRequest & { pageSize: number },
  filters: Filter[],
  log?: Logger,
): Promise<ListingResult> {
  const wanted = page.pageSize + 1;
  const hasFilters = filters.length > 0;
  const kept: ViewRow[] = [];
  const chunk = (): number => (hasFilters ? CHUNK : wanted - kept.length);
  const chunks = readView(
    db,
    listingRange(listing, page.start),
    { chunk, includeDocs: hasFilters },
    log,
  );
  reading: for await (const rows of chunks) {
    for (const row of rows) {
      if (!isKept(row, filters)) continue;
      kept.push(row);
      if (kept.length >= wanted) break reading;
    }
  }
  return toPage(kept, page, listing.toItem);
}

/**
 * Every item of a listing from the top (`paginate=false`), one chunk of at most 1,000 rows at a
 * time: memory holds a chunk, never the listing.
 */
export async function* listingChunks(
  db: Db,
  listing: Listing,
  filters: Filter[],
  log?: Logger,
): AsyncGenerator<unknown[], void, undefined> {
  const options = { chunk: () => CHUNK, includeDocs: filters.length > 0 };
  for await (const rows of readView(db, listingRange(listing, undefined), options, log)) {
    const items = rows.filter((row) => isKept(row, filters)).map(listing.toItem);
    if (items.length > 0) yield items;
  }
}

/**
 * What changes whenever anything in the database does: CouchDB's `update_seq` (opaque: a string
 * on CouchDB 3, a number on the embedded server).
 */
export async function databaseVersion(db: Db): Promise<string> {
  try {
    const info = await db.info();
    return String(info.update_seq);
  } catch (err) {
    throw toApiError(err);
  }
}

/** The page answer from the rows read (at most page_size + 1): items and pagination keys. */
function toPage(
  kept: ViewRow[],
  page: PageRequest,
  toItem: (row: ViewRow) => unknown,
): ListingResult {
  if (page.pageSize === undefined) return { items: kept.map(toItem) };
  const next = kept.length > page.pageSize ? kept[page.pageSize] : undefined;
  const items = kept.slice(0, page.pageSize).map(toItem);
  const info: PageInfo = {};
  if (page.rawStartKey !== undefined) info.startKey = page.rawStartKey;
  if (next) info.nextStartKey = encodeStartKey({ key: next.key, docId: next.id });
  return { items, page: info };
}

/**
 * The same paging and filtering over rows already in hand (sorted by key, then id), for listings
 * that no view can give in order (an account's ancestors).
 */
export function pageOfRows(
  rows: ViewRow[],
  page: PageRequest,
  filters: Filter[],
  toItem: (row: ViewRow) => unknown,
): ListingResult {
  const start = page.start;
  const from = start
    ? rows.findIndex(
        (row) =>
          isDeepStrictEqual(row.key, start.key) &&
          (start.docId === undefined || row.id >= start.docId),
      )
    : 0;
  const wanted = page.pageSize === undefined ? Infinity : page.pageSize + 1;
  const kept = (from < 0 ? [] : rows.slice(from))
    .filter((row) => isKept(row, filters))
    .slice(0, wanted);
  return toPage(kept, page, toItem);
}
