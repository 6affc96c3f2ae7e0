import type { Readable } from 'node:stream';
import type { Db } from './client';
import { toApiError } from './docs';

/**
 * Streams `body` into an attachment of `docId` at revision `rev`; returns the doc's new `_rev`.
 * A body stream that fails aborts the PUT, and CouchDB then stores nothing.
 */
export async function putAttachment(
  db: Db,
  docId: string,
  name: string,
  body: Readable,
  contentType: string,
  rev: string | undefined,
): Promise<string> {
  try {
    const result = await db.attachment.insert(docId, name, body, contentType, { rev });
    return result.rev;
  } catch (err) {
    throw toApiError(err, docId);
  }
}

/**
 * An attachment as a stream, straight from CouchDB; its errors surface on the stream. Destroying
 * the stream (a client that hung up, a HEAD) aborts the request to CouchDB: otherwise its
 * connection would wait, unread, for a reader that never comes.
 */
export function attachmentStream(db: Db, docId: string, name: string): Readable {
  const controller = new AbortController();
  // nano's own getAsStream, plus the abort signal its request options take.
  const stream = db.server.request({
    db: db.config.db,
    doc: docId,
    att: name,
    stream: true,
    encoding: null,
    dontParse: true,
    signal: controller.signal,
  } as never) as unknown as Readable;
  stream.once('close', () => controller.abort());
  return stream;
}

/** An attachment's bytes, for the small ones we embed (a vCard's PHOTO). */
export async function readAttachment(db: Db, docId: string, name: string): Promise<Buffer> {
  try {
    return await db.attachment.get(docId, name);
  } catch (err) {
    throw toApiError(err, docId);
  }
}

/** Removes an attachment; returns the doc's new `_rev`. */
export async function deleteAttachment(
  db: Db,
  docId: string,
  name: string,
  rev: string | undefined,
): Promise<string> {
  try {
    const result = (await db.attachment.destroy(docId, name, { rev })) as { rev: string };
    return result.rev;
  } catch (err) {
    throw toApiError(err, docId);
  }
}
