import { isPlainObject } from './documents';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Where a page starts: a view key, and the doc id of the first row (DECISION 12). */
export interface StartPosition {
  key: unknown;
  docId?: string;
}

export interface PageRequest {
  /** undefined: `paginate=false`, every row. */
  pageSize: number | undefined;
  start: StartPosition | undefined;
  /** The `start_key` as the client sent it, echoed in the envelope. */
  rawStartKey: unknown;
}

/** `page_size`: a positive integer, 50 otherwise, at most 1000 (DECISION 13). */
export function parsePageSize(value: unknown): number {
  const size = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isInteger(size) || size <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

/** `next_start_key`: base64url of `{"k":key,"d":docId}`. */
export function encodeStartKey(position: StartPosition): string {
  return Buffer.from(JSON.stringify({ k: position.key, d: position.docId })).toString('base64url');
}

/** Our encoded key, else the raw string as a view key (parsed when it is JSON). */
export function decodeStartKey(raw: string): StartPosition {
  if (/^[A-Za-z0-9_-]+$/.test(raw)) {
    const decoded = tryJson(Buffer.from(raw, 'base64url').toString('utf8'));
    if (isPlainObject(decoded.value) && 'k' in decoded.value && decoded.ok) {
      const docId = decoded.value.d;
      return { key: decoded.value.k, ...(typeof docId === 'string' ? { docId } : {}) };
    }
  }
  const parsed = tryJson(raw);
  return { key: parsed.ok ? parsed.value : raw };
}

function tryJson(text: string): { ok: boolean; value: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // Not JSON: the caller falls back to the plain string.
    return { ok: false, value: undefined };
  }
}

/** Pagination options from request values (`paginate`, `page_size`, `start_key`). */
export function parsePageRequest(value: (key: string) => unknown): PageRequest {
  const paginate = value('paginate');
  const isOff =
    paginate !== undefined &&
    paginate !== true &&
    !(typeof paginate === 'string' && paginate.toLowerCase() === 'true');
  if (isOff) return { pageSize: undefined, start: undefined, rawStartKey: undefined };
  const rawStart = value('start_key');
  const pageSize = parsePageSize(value('page_size'));
  if (rawStart === undefined || rawStart === '')
    return { pageSize, start: undefined, rawStartKey: undefined };
  // A key sent inside `data` may already be a JSON value rather than a string.
  if (typeof rawStart !== 'string')
    return { pageSize, start: { key: rawStart }, rawStartKey: rawStart };
  return { pageSize, start: decodeStartKey(rawStart), rawStartKey: rawStart };
}
