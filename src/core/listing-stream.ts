/**
 * `paginate=false` listings of any length (core.md §9: "never one unbounded query into memory").
 * A listing of up to `CROSSBAR_HELD_LISTING_ITEMS` items (1,000) is answered whole, exactly as a
 * page is. A longer one is
 * streamed: the envelope (or CSV, or JSONP) is written a chunk of rows at a time while the view is
 * still being read, so memory holds a chunk, never the listing.
 *
 * DECISION: a streamed listing cannot hash data it has not read yet, so its `revision` and ETag
 * are the md5 of the database's `update_seq` (read before the first row) and of what the request
 * asked for. Any write to the database changes the tag, so a 304 is never stale, and it is known
 * before the first row is read, so `If-None-Match` costs one small request instead of the listing.
 */
import { createHash } from 'node:crypto';
import { CsvColumns, csvLines, flatten } from './csv';
import type { Logger } from '../logger';
import { isPlainObject } from './documents';

/** Bumped when the items a view gives change shape, so that old tags stop matching. */
const TAG_FORMAT = 'listing-1';

/**
 * A listing read in chunks, from the top on every `open` (a streamed CSV reads it twice: once for
 * its columns, once for its rows).
 */
export class ChunkedListing {
  constructor(
    readonly open: () => AsyncGenerator<unknown[], void, undefined>,
    /** Changes whenever anything the listing reads may have (the database's `update_seq`). */
    readonly version: () => Promise<string>,
  ) {}
}

export type HeldListing =
  | { isWhole: true; items: unknown[] }
  /** More than the limit: the items read so far, and the open reader for the rest. */
  | { isWhole: false; items: unknown[]; rest: AsyncGenerator<unknown[], void, undefined> };

/** Reads until the listing ends or proves longer than `limit` items. */
export async function holdListing(listing: ChunkedListing, limit: number): Promise<HeldListing> {
  const reader = listing.open();
  const items: unknown[] = [];
  for (;;) {
    const next = await reader.next();
    if (next.done === true) return { isWhole: true, items };
    items.push(...next.value);
    if (items.length > limit) return { isWhole: false, items, rest: reader };
  }
}

/** The streamed listing's tag: the database's version and every request value that shapes the answer. */
export function streamedListingTag(version: string, shape: Record<string, unknown>): string {
  const described = JSON.stringify([TAG_FORMAT, version, sortedEntries(shape)]);
  return createHash('md5').update(described).digest('hex');
}

function sortedEntries(values: Record<string, unknown>): [string, unknown][] {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The items already held, then the rest as they are read. The held array is emptied as it is
 * handed on, so that it is not kept for as long as the rest takes.
 */
export async function* heldThenRest(held: {
  items: unknown[];
  rest: AsyncIterable<unknown[]>;
}): AsyncGenerator<unknown[], void, undefined> {
  if (held.items.length > 0) yield held.items.splice(0);
  yield* held.rest;
}

export interface EnvelopeText {
  /** The envelope without `data`, key order kept (`data` is written first, as ever). */
  fields: Record<string, unknown>;
  pretty: boolean;
  /** A checked JSONP callback name, when one was asked for. */
  callback?: string;
}

/**
 * The envelope's text, chunk by chunk: byte for byte `JSON.stringify({data, ...fields})` (with
 * 2-space indents when pretty), wrapped in `callback(…);` for JSONP.
 */
export async function* envelopeText(
  items: AsyncIterable<unknown[]>,
  envelope: EnvelopeText,
): AsyncGenerator<string, void, undefined> {
  const { pretty, callback } = envelope;
  const open = pretty ? '{\n  "data": [' : '{"data":[';
  yield (callback ? `${callback}(` : '') + open;
  let count = 0;
  for await (const chunk of items) {
    let text = '';
    for (const item of chunk) {
      const json = JSON.stringify(item, null, pretty ? 2 : undefined) ?? 'null';
      const separator = count === 0 ? '' : ',';
      text += pretty ? `${separator}\n    ${json.replace(/\n/g, '\n    ')}` : separator + json;
      count += 1;
    }
    if (text !== '') yield text;
  }
  const fields = JSON.stringify(envelope.fields, null, pretty ? 2 : undefined);
  const hasFields = fields.length > 2;
  let close: string;
  if (!pretty) close = hasFields ? `],${fields.slice(1)}` : ']}';
  else if (count === 0) close = hasFields ? `],\n${fields.slice(2)}` : ']\n}';
  else close = hasFields ? `\n  ],\n${fields.slice(2)}` : '\n  ]\n}';
  yield close + (callback ? ');' : '');
}

/**
 * The columns of a streamed table, read in a pass of their own (the header row comes first but
 * names every column of every row); undefined when some item is not an object, which no CSV can
 * show (the answer stays JSON, as for a whole listing).
 */
export async function streamedColumns(
  items: AsyncIterable<unknown[]>,
): Promise<string[] | undefined> {
  const columns = new CsvColumns();
  for await (const chunk of items) {
    if (!chunk.every(isPlainObject)) return undefined;
    columns.add(chunk.map((row) => flatten(row)));
  }
  return columns.list;
}

/**
 * The table's text, chunk by chunk, under the columns found beforehand. A column that appeared
 * between the two passes (a concurrent write) is not in the header, so it is left out.
 */
export async function* csvText(
  columns: string[],
  items: AsyncIterable<unknown[]>,
): AsyncGenerator<string, void, undefined> {
  let isFirst = true;
  for await (const chunk of items) {
    const rows = chunk.filter(isPlainObject).map((row) => flatten(row));
    const text = csvLines(columns, rows, isFirst);
    isFirst = false;
    if (text !== '') yield text;
  }
}

/**
 * The streamed text, logged when it ends. A failure after the headers went out (CouchDB lost
 * mid-listing) can no longer be an error envelope: the stream errors, Koa destroys the response,
 * and the client sees a cut connection rather than a short answer that looks complete.
 */
export async function* loggedText(
  text: AsyncIterable<string>,
  log: Logger,
): AsyncGenerator<string, void, undefined> {
  let bytes = 0;
  let isDone = false;
  try {
    for await (const part of text) {
      bytes += Buffer.byteLength(part);
      yield part;
    }
    isDone = true;
    log.info({ bytes }, 'streamed listing');
  } catch (err) {
    isDone = true;
    log.error({ err, bytes }, 'streamed listing failed after its headers: connection cut');
    throw err;
  } finally {
    if (!isDone) log.info({ bytes }, 'streamed listing left unread: the client went away');
  }
}
