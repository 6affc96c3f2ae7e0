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
 * An attachment as a stream, straight from CouchDB; its errors surface on the stream. When the
 * stream closes before the end (a client that hung up, a HEAD), the response from CouchDB is
 * cancelled too: left unread, it would hold a pooled connection for good.
 */
export function attachmentStream(db: Db, docId: string, name: string): Readable {
  const stream = db.attachment.getAsStream(docId, name);
  let isClosed = false;
  const release = (source: Readable): void => {
    source.unpipe(stream);
    if (!source.readableEnded) source.destroy();
  };
  // nano pipes CouchDB's response body into the stream it handed us, once the response comes.
  stream.on('pipe', (source: Readable) => {
    if (isClosed) release(source);
    else stream.once('close', () => release(source));
  });
  stream.once('close', () => {
    isClosed = true;
    // nano may still report a failure on a stream nobody reads any more.
    stream.on('error', () => undefined);
  });
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
