import type { StoredDoc } from '../couch/client';

/** Gregorian seconds (0001-01-01 epoch), as KAZOO stores times. */
export const GREGORIAN_OFFSET_S = 62_167_219_200;

export function gregorianNow(now = Date.now()): number {
  return Math.floor(now / 1000) + GREGORIAN_OFFSET_S;
}

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPrivateKey(key: string): boolean {
  return key.startsWith('_') || key.startsWith('pvt_');
}

/** `kz_doc:public_fields`: top-level `_*`/`pvt_*` dropped, `_read_only` kept, `id` added. */
export function publicView(doc: StoredDoc): JsonObject {
  const view: JsonObject = {};
  for (const [key, value] of Object.entries(doc)) {
    if (!isPrivateKey(key) || key === '_read_only') view[key] = value;
  }
  view.id = doc._id;
  return view;
}

/** Incoming data without what a client may never set: `_*` and `pvt_*` at the top level. */
export function withoutPrivateKeys(data: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !isPrivateKey(key)));
}

/** `_id`, `_rev`, `_attachments`, `pvt_*` of a stored doc: what a replace keeps. */
export function privateFields(doc: StoredDoc): StoredDoc {
  const kept: StoredDoc = { _id: doc._id };
  for (const [key, value] of Object.entries(doc)) {
    if (isPrivateKey(key) && key !== '_read_only') kept[key] = value;
  }
  return kept;
}

/**
 * PATCH semantics: objects merge recursively, arrays and scalars replace, `null` deletes.
 * Neither input is modified.
 */
export function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete merged[key];
    } else if (isPlainObject(value) && isPlainObject(merged[key])) {
      merged[key] = deepMerge(merged[key], value);
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

/** Who is saving and where: what `crossbar_doc:update_pvt_parameters` stamps on a doc. */
export interface SaveStamp {
  type: string;
  accountId?: string;
  accountDb?: string;
  requestId?: string;
  authAccountId?: string;
  authUserId?: string;
}

/** Stamps the private fields of core.md §14.3; `pvt_created` only on creation. */
export function stampPrivateFields(
  doc: StoredDoc,
  stamp: SaveStamp,
  isNew: boolean,
  now = gregorianNow(),
): StoredDoc {
  const stamped: StoredDoc = { ...doc, pvt_type: stamp.type, pvt_modified: now };
  stamped.pvt_vsn ??= '1';
  if (stamp.accountId !== undefined) stamped.pvt_account_id ??= stamp.accountId;
  if (stamp.accountDb !== undefined) stamped.pvt_account_db ??= stamp.accountDb;
  if (isNew || stamped.pvt_created === undefined) stamped.pvt_created = now;
  if (stamp.requestId !== undefined) stamped.pvt_request_id = stamp.requestId;
  stamped.pvt_is_authenticated = stamp.authAccountId !== undefined;
  if (stamp.authAccountId !== undefined) stamped.pvt_auth_account_id = stamp.authAccountId;
  if (stamp.authUserId !== undefined) stamped.pvt_auth_user_id = stamp.authUserId;
  if (typeof doc.name === 'string') stamped.pvt_alphanum_name = alphanumName(doc.name);
  return stamped;
}

/** `name` lower-cased with non-alphanumerics removed (KAZOO's `listing_by_name` key). */
export function alphanumName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}
