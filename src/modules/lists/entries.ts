/**
 * Entry rows of a list: the paginated listing (spec lists.md §3.6) and the bulk hard delete
 * (§3.5 step 2, §3.8). Both read our own view `crossbar_ts_lists/entries`, keyed
 * `[list_id, _id]`: KAZOO's `lists/entries` keys every row by the list id alone, so a page (or a
 * chunk) could only be found again with `startkey_docid`, which the embedded server ignores
 * (core.md §9). The rows clients see keep KAZOO's shape: `{id, key: <list id>, value}`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../../couch/client';
import { toApiError } from '../../couch/docs';
import { queryListing, queryView, type ViewRow } from '../../couch/views';
import { parseFilters } from '../../core/filters';
import { parsePageRequest, type PageRequest, type StartPosition } from '../../core/pagination';
import type { CrossbarRequest, Outcome } from '../../core/types';

/** Our paging view (couch-views/account/crossbar_ts_lists.json). */
export const ENTRIES_DESIGN = 'crossbar_ts_lists';
export const ENTRIES_VIEW = 'entries';

/** Rows read per query when deleting a whole list's entries. */
const DELETE_CHUNK = 500;

/** A row as KAZOO's `lists/entries` view gives it. */
export interface EntryRow {
  id: string;
  key: string;
  value: unknown;
}

function toEntryRow(listId: string, row: ViewRow): EntryRow {
  return { id: row.id, key: listId, value: row.value };
}

/** The view range of one list: `[L]` sorts before every `[L, …]`, `[L, {}]` after them. */
function listRange(listId: string): { startkey: unknown[]; endkey: unknown[] } {
  return { startkey: [listId], endkey: [listId, {}] };
}

/**
 * Where a page of list L starts. Our `next_start_key` carries the view key `[L, id]` (or
 * `[L, L, k]` for a legacy embedded entry); a plain key is also taken: `L` itself (with the doc
 * id when one was encoded) or an entry id to resume at. Anything else starts at the top, so a
 * crafted key can never reach the rows of another list.
 */
export function entriesStart(
  listId: string,
  start: StartPosition | undefined,
): StartPosition | undefined {
  if (start === undefined) return undefined;
  const { key, docId } = start;
  if (Array.isArray(key) && key[0] === listId && key.length >= 2) return { key };
  if (key === listId) return docId === undefined ? undefined : { key: [listId, docId] };
  if (typeof key === 'string' && key !== '') return { key: [listId, key] };
  return undefined;
}

/** `GET /lists/{L}/entries`: one page of raw rows, filters applied to the stored docs. */
export async function listEntries(req: CrossbarRequest, db: Db, listId: string): Promise<Outcome> {
  const requested = parsePageRequest(req.value);
  const start = entriesStart(listId, requested.start);
  const page: PageRequest = { ...requested, start };
  const result = await queryListing(
    db,
    {
      dbClass: 'account',
      design: ENTRIES_DESIGN,
      view: ENTRIES_VIEW,
      ...listRange(listId),
      toItem: (row) => toEntryRow(listId, row),
    },
    page,
    parseFilters(req.query),
    req.log,
  );
  return {
    kind: 'reply',
    reply: { data: result.items, ...(result.page ? { page: result.page } : {}) },
  };
}

interface BulkResult {
  id?: string;
  rev?: string;
  error?: string;
  reason?: string;
}

/**
 * Hard-deletes every entry of list L with `_bulk_docs`, one chunk at a time (as 4.3's
 * `couch_mgr:del_docs`). Failures of single entries are logged and skipped. Legacy rows (entries
 * embedded in the list doc itself, row id = L) are never deleted: that would delete the list.
 * Returns the rows that were deleted.
 */
export async function deleteAllEntries(
  req: CrossbarRequest,
  db: Db,
  listId: string,
): Promise<EntryRow[]> {
  const deleted: EntryRow[] = [];
  const { startkey, endkey } = listRange(listId);
  let from: unknown = startkey;
  let skipFirst = false;
  for (;;) {
    const rows = await queryView(
      db,
      'account',
      ENTRIES_DESIGN,
      ENTRIES_VIEW,
      {
        startkey: from,
        endkey,
        include_docs: true,
        limit: DELETE_CHUNK + (skipFirst ? 1 : 0),
      },
      req.log,
    );
    const chunk =
      skipFirst && rows[0] && isDeepStrictEqual(rows[0].key, from) ? rows.slice(1) : rows;
    const doomed = chunk.filter(
      (row) => row.id !== listId && row.doc?.pvt_type === 'list_entry' && row.doc._rev,
    );
    if (doomed.length > 0) deleted.push(...(await bulkDelete(req, db, listId, doomed)));
    const last = rows.at(-1);
    if (!last || rows.length < DELETE_CHUNK + (skipFirst ? 1 : 0)) break;
    // Keys are unique, so the next chunk starts just after the last key read (deleted or not).
    from = last.key;
    skipFirst = true;
  }
  req.log.info({ list_id: listId, count: deleted.length }, 'deleted list entries');
  return deleted;
}

async function bulkDelete(
  req: CrossbarRequest,
  db: Db,
  listId: string,
  rows: ViewRow[],
): Promise<EntryRow[]> {
  const docs = rows.map((row) => ({ _id: row.id, _rev: row.doc!._rev!, _deleted: true }));
  let results: BulkResult[];
  try {
    results = await db.bulk({ docs });
  } catch (err) {
    throw toApiError(err);
  }
  const failed = new Set<string>();
  for (const result of results) {
    if (result.error === undefined) continue;
    failed.add(result.id ?? '');
    req.log.info(
      { doc_id: result.id, error: result.error, reason: result.reason },
      'list entry not deleted',
    );
  }
  return rows.filter((row) => !failed.has(row.id)).map((row) => toEntryRow(listId, row));
}
