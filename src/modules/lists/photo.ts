/**
 * The entry photo (spec lists.md §6): the CouchDB attachment `photo` on the entry doc, streamed
 * in from the request (raw image or the first file of a multipart form) and out to the client.
 * Only the first bytes are held, to tell the real type by its magic number; the rest flows
 * straight into CouchDB's attachment PUT, counted on the way, and the PUT is aborted (so nothing
 * is stored and the old photo stays) when the body grows past the limit.
 */
import { finished, PassThrough, Transform, type Readable } from 'node:stream';
import Busboy from 'busboy';
import type { Db, StoredDoc } from '../../couch/client';
import {
  attachmentStream,
  deleteAttachment,
  putAttachment,
  readAttachment,
} from '../../couch/attachments';
import { mediaType, payloadTooLarge } from '../../core/body';
import { ApiError, REQUIRED_MESSAGE, validationFailure } from '../../core/errors';

export const PHOTO_ATTACHMENT = 'photo';

/** Request bodies the photo upload takes raw (spec §6.1); anything else is a 415. */
const UPLOAD_TYPES: ReadonlySet<string> = new Set([
  'multipart/form-data',
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/octet-stream',
]);

/** Enough for every signature below. */
const HEAD_BYTES = 16;

/** The image types we store, by what the bytes say. */
export type ImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export function isPhotoUploadType(type: string): boolean {
  return UPLOAD_TYPES.has(mediaType(type));
}

function startsWith(head: Buffer, signature: readonly number[], offset = 0): boolean {
  return signature.every((byte, i) => head[offset + i] === byte);
}

const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];

/** The image type by magic number (never by the declared type), or undefined. */
export function detectImageType(head: Buffer): ImageType | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}

/** 400 `photo.required`: no file part, or an empty body. */
export function photoRequired(): ApiError {
  return validationFailure('photo', 'required', { message: REQUIRED_MESSAGE, value: 'photo' });
}

/** 415 with the type the client declared (request Content-Type, or the file part's). */
export function unsupportedPhotoType(declared: string): ApiError {
  return new ApiError('unsupported_media_type', { cause: declared });
}

/** An upload whose type is known: its first bytes, and the unread rest. */
export interface PhotoUpload {
  head: Buffer;
  rest: Readable;
  type: ImageType;
}

/** What the entry doc says of its photo (a CouchDB attachment stub). */
export interface PhotoStub {
  contentType: string;
  digest: string;
  length: number;
}

export function photoStub(entry: StoredDoc): PhotoStub | undefined {
  const attachments = entry._attachments as Record<string, Record<string, unknown>> | undefined;
  const stub = attachments?.[PHOTO_ATTACHMENT];
  if (!stub) return undefined;
  return {
    contentType:
      typeof stub.content_type === 'string' ? stub.content_type : 'application/octet-stream',
    digest: typeof stub.digest === 'string' ? stub.digest : '',
    length: typeof stub.length === 'number' ? stub.length : -1,
  };
}

/**
 * Calls `fail` when `source` errors or closes before its end (the client hung up, a form was cut
 * short), also when that already happened: `finished` looks at the stream's state first.
 */
function onFailure(source: Readable, fail: (err: Error) => void): void {
  finished(source, { writable: false }, (err) => {
    if (err) fail(err);
  });
}

/**
 * Reads the first `size` bytes (fewer when the stream is shorter) and leaves the rest unread.
 * `read(size)` keeps the stream paused: nothing beyond these bytes is pulled into memory.
 */
function readHead(stream: Readable, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    if (stream.destroyed && !stream.readableEnded) return reject(new Error('request body aborted'));
    const settle = (err: Error | undefined, head?: Buffer): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', settle);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve(head ?? Buffer.alloc(0));
    };
    const onReadable = (): void => {
      const head = stream.read(size) as Buffer | null;
      if (head !== null) settle(undefined, head);
    };
    const onEnd = (): void => settle(undefined, Buffer.alloc(0));
    const onClose = (): void => {
      if (!stream.readableEnded) settle(new Error('request body aborted'));
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', settle);
    stream.once('close', onClose);
  });
}

interface FilePart {
  stream: Readable;
  declaredType: string;
}

function multipartInvalid(err: Error): ApiError {
  if (err instanceof ApiError) return err;
  return validationFailure('multipart', 'invalid', { message: err.message, target: 'body' });
}

/**
 * The first multipart part that has a filename (any field name: the Address Books app sends
 * `fileToUpload`); fields and later files are drained unread. undefined when there is none.
 * The part comes through a stream of ours, so that a form cut short or malformed halfway through
 * the file fails it with 400 `multipart.invalid` (busboy's own stream fails with a bare Error).
 */
function firstFilePart(body: Readable, contentType: string): Promise<FilePart | undefined> {
  return new Promise((resolve, reject) => {
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({ headers: { 'content-type': contentType } });
    } catch (err) {
      body.resume();
      reject(multipartInvalid(err as Error));
      return;
    }
    let found: PassThrough | undefined;
    parser.on('file', (_field, stream, info) => {
      if (found || info.filename === undefined) {
        stream.resume();
        return;
      }
      const part = new PassThrough();
      // Failures are read from the stream's state (onFailure, readHead), never left unhandled.
      part.on('error', () => undefined);
      stream.on('error', (err: Error) => part.destroy(multipartInvalid(err)));
      stream.pipe(part);
      found = part;
      resolve({ stream: part, declaredType: info.mimeType });
    });
    parser.on('error', (err: Error) => {
      body.unpipe(parser);
      body.resume();
      if (found) found.destroy(multipartInvalid(err));
      else reject(multipartInvalid(err));
    });
    parser.on('close', () => {
      if (!found) resolve(undefined);
    });
    onFailure(body, (err) => parser.destroy(err));
    body.pipe(parser);
  });
}

/**
 * Opens an upload: the file part of a form or the raw body, its first bytes read and checked.
 * No bytes → 400 `photo.required`; not an image → 415 with the declared type.
 */
export async function openUpload(body: Readable, contentType: string): Promise<PhotoUpload> {
  let source: Readable = body;
  let declaredType = contentType;
  if (mediaType(contentType) === 'multipart/form-data') {
    const part = await firstFilePart(body, contentType);
    if (!part) throw photoRequired();
    source = part.stream;
    declaredType = part.declaredType;
  }
  const head = await readHead(source, HEAD_BYTES);
  if (head.length === 0) throw photoRequired();
  const type = detectImageType(head);
  if (type === undefined) {
    // Let the rest drain so that the connection can carry the answer.
    source.resume();
    throw unsupportedPhotoType(declaredType);
  }
  return { head, rest: source, type };
}

/**
 * Streams the upload into the entry's `photo` attachment with the entry's `_rev`; returns the
 * new `_rev`. Over `limit` bytes → 413, and the aborted PUT stores nothing.
 */
export async function storePhoto(
  db: Db,
  entry: StoredDoc,
  upload: PhotoUpload,
  limit: number,
): Promise<string> {
  let failure: Error | undefined;
  let total = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > limit) {
        failure = payloadTooLarge(limit);
        done(failure);
      } else {
        done(null, chunk);
      }
    },
  });
  // A meter that failed is the 413 (or the client's hang-up) reported below: no unhandled event.
  meter.on('error', () => undefined);
  onFailure(upload.rest, (err) => {
    failure ??= err;
    meter.destroy(err);
  });
  meter.write(upload.head);
  upload.rest.pipe(meter);
  try {
    return await putAttachment(db, entry._id, PHOTO_ATTACHMENT, meter, upload.type, entry._rev);
  } catch (err) {
    // The meter's own failure (413, the client hung up) says more than the aborted PUT.
    throw failure ?? err;
  } finally {
    // Stored or not, the client's remaining bytes are drained so that it can read our answer.
    upload.rest.unpipe(meter);
    if (!upload.rest.readableEnded) upload.rest.resume();
    meter.destroy();
  }
}

/** The stored photo as a stream; CouchDB errors surface on the stream. */
export function readPhoto(db: Db, entryId: string): Readable {
  return attachmentStream(db, entryId, PHOTO_ATTACHMENT);
}

/** The stored photo's bytes (for the vCard's `PHOTO`). */
export function readPhotoBytes(db: Db, entryId: string): Promise<Buffer> {
  return readAttachment(db, entryId, PHOTO_ATTACHMENT);
}

/** Removes the photo; returns the entry's new `_rev`. */
export function deletePhoto(db: Db, entry: StoredDoc): Promise<string> {
  return deleteAttachment(db, entry._id, PHOTO_ATTACHMENT, entry._rev);
}
