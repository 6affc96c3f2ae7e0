/**
 * Entry rows of a list: the paginated listing (spec lists.md §3.6) and the bulk hard delete
 * (§3.5 step 2, §3.8). Both read our own view `crossbar_ts_lists/entries`, keyed
 * `[list_id, _id]`: KAZOO's `lists/entries` keys every row by the list id alone, so a page (or a
 * chunk) could only be found again with `startkey_docid`, which the embedded server ignores
 * (core.md §9). The rows clients see keep KAZOO's shape: `{id, key: <list id>, value}`.
 */
import type { Db } from '../../couch/client';
import { bulkHardDelete } from '../../couch/docs';
import { readView, type ViewRow } from '../../couch/views';
import { validateListing } from '../../core/crud';
import type { StartPosition } from '../../core/pagination';
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
export function listEntries(req: CrossbarRequest, db: Db, listId: string): Promise<Outcome> {
  return validateListing(
    req,
    {
      dbClass: 'account',
      design: ENTRIES_DESIGN,
      view: ENTRIES_VIEW,
      ...listRange(listId),
      toItem: (row) => toEntryRow(listId, row),
      resolveStart: (start) => entriesStart(listId, start),
    },
    db,
  );
}

/**
 * Hard-deletes every entry of list L with `_bulk_docs`, one chunk at a time (as 4.3's
 * `couch_mgr:del_docs`). Failures of single entries are logged and skipped. Legacy rows (entries
 * embedded in the list doc itself, row id = L) are never deleted: that would delete the list.
 * Each chunk's deleted rows go to `onDeleted` (the list's own DELETE keeps none of them); returns
 * how many were deleted.
 */
export async function deleteAllEntries(
  req: CrossbarRequest,
  db: Db,
  listId: string,
  onDeleted: (rows: EntryRow[]) => void = () => undefined,
): Promise<number> {
  let count = 0;
  const range = {
    dbClass: 'account',
    design: ENTRIES_DESIGN,
    view: ENTRIES_VIEW,
    ...listRange(listId),
  } as const;
  const chunks = readView(db, range, { chunk: () => DELETE_CHUNK, includeDocs: true }, req.log);
  for await (const rows of chunks) {
    const doomed = rows.filter(
      (row) => row.id !== listId && row.doc?.pvt_type === 'list_entry' && row.doc._rev,
    );
    if (doomed.length === 0) continue;
    const failures = await bulkHardDelete(
      db,
      doomed.map((row) => row.doc!),
    );
    for (const failure of failures) {
      req.log.info({ doc_id: failure.id, error: failure.error }, 'list entry not deleted');
    }
    const failed = new Set(failures.map((failure) => failure.id));
    const deleted = doomed.filter((row) => !failed.has(row.id));
    count += deleted.length;
    onDeleted(deleted.map((row) => toEntryRow(listId, row)));
  }
  req.log.info({ list_id: listId, count }, 'deleted list entries');
  return count;
}
