import type { IncomingMessage } from 'node:http';
import Busboy from 'busboy';
import getRawBody from 'raw-body';
import { isPlainObject, type JsonObject } from './documents';
import { ApiError, REQUIRED_MESSAGE, validationFailure } from './errors';

/** How a request's Content-Type is treated (core.md §6.1). */
export type BodyKind = 'json' | 'none' | 'form' | 'multipart' | 'binary' | 'other';

/** The media type alone, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function classifyContentType(contentType: string | undefined): BodyKind {
  const type = mediaType(contentType);
  if (type === '') return 'none';
  if (type === 'application/json' || type === 'application/x-json' || type.endsWith('+json'))
    return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'multipart/form-data' || type === 'multipart/mixed') return 'multipart';
  if (type === 'application/octet-stream' || type.startsWith('image/')) return 'binary';
  return 'other';
}

/** A body over the limit: 413 with kazoo's `file.maxSize` data. */
export function payloadTooLarge(limit: number): ApiError {
  return new ApiError('validation error', {
    status: 413,
    data: {
      file: {
        maxSize: {
          message: `Payload or Files must not be more than ${limit} bytes`,
          target: limit,
        },
      },
    },
  });
}

/** Reads the whole body as UTF-8 text, enforcing the size limit on Content-Length and while reading. */
export async function readText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  // No length and not chunked: HTTP/1.1 says there is no body (most GETs); nothing to wait for.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)
    return '';
  try {
    const buffer = await getRawBody(req, { limit });
    return buffer.toString('utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw payloadTooLarge(limit);
    throw err;
  }
}

function invalidJson(message: string): ApiError {
  return validationFailure('json', 'invalid', { message, target: 'body' });
}

/**
 * Deepest nesting a body may have. JSON.parse takes far more, but serialising such a document
 * again (nano, CouchDB's view server) overflows the stack; real documents stay far below.
 */
export const MAX_JSON_DEPTH = 256;

/** The nesting depth of a parsed value, counted without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [here, depth] = stack.pop()!;
    if (here === null || typeof here !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(here)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidJson(err instanceof Error ? err.message : String(err));
  }
  if (depthOf(value) > MAX_JSON_DEPTH) {
    throw invalidJson(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return value;
}

/** `curl -d name=x&data={…}`: each field a request value in `data`; a `data` field holding JSON is decoded. */
function parseForm(text: string): JsonObject {
  const data: JsonObject = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === 'data') {
      const decoded = parseJson(value);
      if (isPlainObject(decoded)) Object.assign(data, decoded);
      else data.data = decoded;
    } else {
      data[key] = value;
    }
  }
  return { data };
}

/** Turns body text into the request envelope (`{data: …, …}`), per core.md §6. */
export function parseEnvelope(text: string, kind: BodyKind): JsonObject {
  if (text.trim() === '') return { data: {} };
  let body: unknown;
  if (kind === 'form') {
    // curl -d sends JSON labelled as a form: JSON wins when it parses.
    const trimmed = text.trim();
    body =
      trimmed.startsWith('{') || trimmed.startsWith('[') ? parseJson(trimmed) : parseForm(text);
  } else {
    body = parseJson(text);
  }
  return checkEnvelope(body);
}

/** A request envelope must be an object whose `data` is an object or an array. */
export function checkEnvelope(body: unknown): JsonObject {
  if (!isPlainObject(body) || body.data === undefined) {
    throw validationFailure('data', 'required', { message: REQUIRED_MESSAGE, value: 'data' });
  }
  const data = body.data;
  if (data === null || typeof data !== 'object') {
    throw validationFailure('data', 'type', {
      message: 'Value did not match type(s): object, array',
      value: data,
      target: ['object', 'array'],
    });
  }
  return body;
}

/**
 * `multipart/form-data` on an ordinary endpoint: fields (and JSON parts) feed the envelope, file
 * parts are drained unread (core.md §6.1). A field `data` or `json` holding JSON is decoded.
 */
export function readMultipartEnvelope(req: IncomingMessage, limit: number): Promise<JsonObject> {
  return new Promise((resolve, reject) => {
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({ headers: req.headers, limits: { fieldSize: limit, fileSize: limit } });
    } catch (err) {
      reject(
        validationFailure('multipart', 'invalid', {
          message: (err as Error).message,
          target: 'body',
        }),
      );
      return;
    }
    let envelope: JsonObject = { data: {} };
    const data = (): JsonObject => envelope.data as JsonObject;
    let total = 0;
    let failure: ApiError | undefined;
    const count = (bytes: number): void => {
      total += bytes;
      if (total > limit) failure ??= payloadTooLarge(limit);
    };
    parser.on('field', (name, value) => {
      count(Buffer.byteLength(value));
      try {
        if (name === 'json' || name === 'data') {
          const parsed = parseJson(value);
          if (name === 'json' && isPlainObject(parsed) && parsed.data !== undefined)
            envelope = checkEnvelope(parsed);
          else if (isPlainObject(parsed)) Object.assign(data(), parsed);
          else data()[name] = parsed;
        } else {
          data()[name] = value;
        }
      } catch (err) {
        failure ??= err as ApiError;
      }
    });
    parser.on('file', (_name, stream, info) => {
      const isJson = classifyContentType(info.mimeType) === 'json';
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        count(chunk.length);
        if (isJson && !failure) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (!isJson || failure) return;
        try {
          envelope = parseEnvelope(Buffer.concat(chunks).toString('utf8'), 'json');
        } catch (err) {
          failure = err as ApiError;
        }
      });
    });
    parser.on('error', (err: Error) =>
      reject(validationFailure('multipart', 'invalid', { message: err.message, target: 'body' })),
    );
    parser.on('close', () => (failure ? reject(failure) : resolve(envelope)));
    req.pipe(parser);
  });
}
