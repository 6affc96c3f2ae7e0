// GET    /v2/accounts/{A}/lists                    → summary {id, name, description, list_type}, paginated
// PUT    /v2/accounts/{A}/lists                    → create a list
// GET|POST|PATCH …/lists/{L}                       → fetch, replace, merge (no entries)
// DELETE …/lists/{L}                               → hard-delete its entries in bulk, soft-delete the list
// GET    …/lists/{L}/entries                       → raw rows {id, key: L, value}, paginated
// PUT    …/lists/{L}/entries                       → add an entry (list_id = L)
// DELETE …/lists/{L}/entries                       → hard-delete every entry: the deleted rows
// GET|POST|PATCH|DELETE …/lists/{L}/entries/{E}    → fetch, replace, merge, soft delete
// GET    …/lists/{L}/entries/{E}/vcard             → vCard 3.0 (text/x-vcard, text/vcard, text/directory)
// GET|POST|DELETE …/lists/{L}/entries/{E}/photo    → photo bytes, upload (form or raw image), remove
//
// Every path under {L} first checks the list (DECISION 20), every path under {E} the entry and
// that it belongs to L (DECISION 3): 404 `bad_identifier` otherwise.
import { createHash } from 'node:crypto';
import type { Db, StoredDoc } from '../../couch/client';
import { loadDoc } from '../../couch/docs';
import { payloadTooLarge } from '../../core/body';
import {
  executeDocumentWrite,
  mergeOutcome,
  readOutcome,
  replaceOutcome,
  validateCreate,
  validateListing,
  type DocumentKind,
} from '../../core/crud';
import { isPlainObject, publicView } from '../../core/documents';
import { ApiError } from '../../core/errors';
import { etagMatches } from '../../core/etag';
import { DEFAULT_PRODUCES } from '../../core/negotiation';
import { parsePublicData } from '../../core/schema';
import type { CrossbarModule, CrossbarRequest, Outcome, Reply, RouteSpec } from '../../core/types';
import { deleteAllEntries, listEntries, type EntryRow } from './entries';
import { ListEntrySchema, ListSchema } from './lists.schema';
import {
  deletePhoto,
  isPhotoUploadType,
  openUpload,
  photoStub,
  readPhoto,
  readPhotoBytes,
  storePhoto,
  unsupportedPhotoType,
} from './photo';
import { buildVcard, type VcardPhoto } from './vcard';

const LIST: DocumentKind = { type: 'list', schema: ListSchema };
const LIST_ENTRY: DocumentKind = { type: 'list_entry', schema: ListEntrySchema };

const routes: RouteSpec[] = [
  { path: '', methods: ['GET', 'PUT'] },
  { path: '{list_id}', methods: ['GET', 'POST', 'PATCH', 'DELETE'] },
  { path: '{list_id}/entries', methods: ['GET', 'PUT', 'DELETE'] },
  { path: '{list_id}/entries/{entry_id}', methods: ['GET', 'POST', 'PATCH', 'DELETE'] },
  { path: '{list_id}/entries/{entry_id}/vcard', methods: ['GET'] },
  { path: '{list_id}/entries/{entry_id}/photo', methods: ['GET', 'POST', 'DELETE'] },
];

/** vCard negotiation (spec §5): no Accept, `*∕*` or `text/*` gets the first. */
const VCARD_TYPES = ['text/x-vcard', 'text/vcard', 'text/directory'] as const;
/** The photo path answers JSON to writes and image bytes to GET: a strict image Accept is fine. */
const PHOTO_TYPES = [
  ...DEFAULT_PRODUCES,
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/octet-stream',
] as const;

/** vCard 3.0 readers know JPEG and PNG only. */
const VCARD_PHOTO_TYPES: Readonly<Record<string, VcardPhoto['type']>> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
};

/**
 * Requests whose photo body was already streamed: the pipeline's retry after a 409 cannot send
 * it again (we keep no copy), so that retry answers the 409 itself (spec §6.1).
 */
const streamedUploads = new WeakSet<CrossbarRequest>();

type Tokens = readonly string[];

function isPhotoPath(tokens: Tokens): boolean {
  return tokens.length === 4 && tokens[1] === 'entries' && tokens[3] === 'photo';
}

function isVcardPath(tokens: Tokens): boolean {
  return tokens.length === 4 && tokens[1] === 'entries' && tokens[3] === 'vcard';
}

function requireDb(req: CrossbarRequest): Db {
  if (!req.db) throw new Error('lists outside an account');
  return req.db;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** The list check (spec §1, DECISION 20): missing, deleted, or not `pvt_type: "list"` → 404. */
async function loadList(db: Db, listId: string): Promise<StoredDoc> {
  const list = await loadDoc(db, listId, LIST.type);
  if (list.pvt_type !== LIST.type) throw new ApiError('bad_identifier', { cause: listId });
  return list;
}

/** The entry check (DECISION 3): also 404 when the entry belongs to another list. */
async function loadEntry(db: Db, listId: string, entryId: string): Promise<StoredDoc> {
  const entry = await loadDoc(db, entryId, LIST_ENTRY.type);
  if (entry.pvt_type !== LIST_ENTRY.type || entry.list_id !== listId)
    throw new ApiError('bad_identifier', { cause: entryId });
  return entry;
}

/** DECISION 3: `list_id` always comes from the URL, whatever the body says. */
function withListId(data: unknown, listId: string): unknown {
  return isPlainObject(data) ? { ...data, list_id: listId } : data;
}

/** `/lists`: the summary, or a new list. */
function validateLists(req: CrossbarRequest): Promise<Outcome> {
  if (req.method === 'PUT') return Promise.resolve(validateCreate(req, LIST));
  return validateListing(req, {
    dbClass: 'account',
    design: 'lists',
    view: 'crossbar_listing',
    toItem: (row) => row.value,
  });
}

/** `/lists/{L}`; POST validates before it loads (400 wins over 404, core.md §14.4). */
async function validateList(req: CrossbarRequest, db: Db, listId: string): Promise<Outcome> {
  switch (req.method) {
    case 'POST': {
      const parsed = parsePublicData(LIST.schema, req.data);
      return replaceOutcome(LIST, await loadList(db, listId), parsed);
    }
    case 'PATCH':
      return mergeOutcome(LIST, await loadList(db, listId), req.data);
    case 'DELETE':
      return { kind: 'delete', current: await loadList(db, listId), type: LIST.type };
    default:
      return readOutcome(await loadList(db, listId));
  }
}

/** `/lists/{L}/entries`, once the list is known to exist. */
async function validateEntries(req: CrossbarRequest, db: Db, listId: string): Promise<Outcome> {
  switch (req.method) {
    case 'PUT':
      return validateCreate(req, LIST_ENTRY, withListId(req.data, listId));
    case 'DELETE': {
      // A bulk action rather than one document's write: done here, answered as a reply.
      const deleted: EntryRow[] = [];
      await deleteAllEntries(req, db, listId, (rows) => deleted.push(...rows));
      return { kind: 'reply', reply: { data: deleted } };
    }
    default:
      return listEntries(req, db, listId);
  }
}

/** `/lists/{L}/entries/{E}`; POST validates before it loads the entry. */
async function validateEntry(
  req: CrossbarRequest,
  db: Db,
  listId: string,
  entryId: string,
): Promise<Outcome> {
  switch (req.method) {
    case 'POST': {
      const parsed = parsePublicData(LIST_ENTRY.schema, withListId(req.data, listId));
      return replaceOutcome(LIST_ENTRY, await loadEntry(db, listId, entryId), parsed);
    }
    case 'PATCH':
      return mergeOutcome(LIST_ENTRY, await loadEntry(db, listId, entryId), req.data, (merged) => ({
        ...merged,
        list_id: listId,
      }));
    case 'DELETE':
      return {
        kind: 'delete',
        current: await loadEntry(db, listId, entryId),
        type: LIST_ENTRY.type,
      };
    default:
      return readOutcome(await loadEntry(db, listId, entryId));
  }
}

/** Quotes and line breaks cannot go into a quoted header value. */
function safeFileName(name: string): string {
  return name.replace(/["\\\r\n]/g, '_');
}

/** `GET …/vcard` (spec §5): the entry, its profile, the list's `org`, a JPEG/PNG photo. */
async function validateVcard(
  req: CrossbarRequest,
  db: Db,
  list: StoredDoc,
  entryId: string,
): Promise<Outcome> {
  const entry = await loadEntry(db, list._id, entryId);
  const stub = photoStub(entry);
  const photoType = stub ? VCARD_PHOTO_TYPES[stub.contentType] : undefined;
  const photo =
    photoType !== undefined
      ? { type: photoType, data: await readPhotoBytes(db, entryId) }
      : undefined;
  const card = buildVcard({
    entryId,
    entry: publicView(entry),
    org: list.org,
    ...(photo ? { photo } : {}),
  });
  return {
    kind: 'reply',
    reply: {
      data: null,
      // The card also depends on the list's org: its own hash is the honest ETag.
      revision: md5(card),
      raw: {
        body: card,
        contentType: req.accepted,
        headers: { 'Content-Disposition': `attachment; filename="${safeFileName(entryId)}.vcf"` },
      },
    },
  };
}

/** Whether `If-None-Match` names this ETag (then the pipeline answers 304 without a body). */
function isNotModified(req: CrossbarRequest, etag: string): boolean {
  const header = req.header('if-none-match');
  return header !== '' && etagMatches(header, etag);
}

/** `…/photo` (spec §6); the writes themselves happen in `execute`, after `If-Match`. */
async function validatePhoto(
  req: CrossbarRequest,
  db: Db,
  listId: string,
  entryId: string,
): Promise<Outcome> {
  const entry = await loadEntry(db, listId, entryId);
  if (req.method === 'POST') {
    if (streamedUploads.has(req)) throw new ApiError('datastore_conflict');
    return { kind: 'update', current: entry, doc: entry, type: LIST_ENTRY.type };
  }
  const stub = photoStub(entry);
  if (!stub) throw new ApiError('bad_identifier', { cause: 'photo' });
  if (req.method === 'DELETE')
    return { kind: 'update', current: entry, doc: entry, type: LIST_ENTRY.type };
  // Opened only when it will be sent: a 304 leaves CouchDB alone.
  const body = isNotModified(req, stub.digest) ? '' : readPhoto(db, entryId);
  return {
    kind: 'reply',
    reply: {
      data: null,
      revision: stub.digest,
      raw: {
        body,
        contentType: stub.contentType,
        headers: stub.length >= 0 ? { 'Content-Length': String(stub.length) } : {},
      },
    },
  };
}

/**
 * A photo POST's own Content-Type check (step 11 of the pipeline, before any load): the pipeline
 * parses JSON and forms for every path, so those arrive here without a raw body.
 */
function checkPhotoUpload(req: CrossbarRequest): void {
  if (!req.body) throw unsupportedPhotoType(req.contentType);
  const declared = Number(req.header('content-length'));
  if (Number.isFinite(declared) && declared > req.maxBodyBytes)
    throw payloadTooLarge(req.maxBodyBytes);
}

async function validate(req: CrossbarRequest): Promise<Outcome> {
  const db = requireDb(req);
  const [listId, , entryId, action] = req.tokens;
  if (req.method === 'POST' && isPhotoPath(req.tokens)) checkPhotoUpload(req);
  if (listId === undefined) return validateLists(req);
  if (req.tokens.length === 1) return validateList(req, db, listId);
  const list = await loadList(db, listId);
  if (entryId === undefined) return validateEntries(req, db, listId);
  if (action === undefined) return validateEntry(req, db, listId, entryId);
  if (action === 'vcard') return validateVcard(req, db, list, entryId);
  return validatePhoto(req, db, listId, entryId);
}

async function uploadPhoto(req: CrossbarRequest, entry: StoredDoc): Promise<Reply> {
  streamedUploads.add(req);
  const upload = await openUpload(req.body!, req.contentType);
  const rev = await storePhoto(requireDb(req), entry, upload, req.maxBodyBytes);
  req.log.info({ doc_id: entry._id, rev, content_type: upload.type }, 'stored photo');
  return { data: publicView(entry), revision: rev };
}

async function removePhoto(req: CrossbarRequest, entry: StoredDoc): Promise<Reply> {
  const rev = await deletePhoto(requireDb(req), entry);
  req.log.info({ doc_id: entry._id, rev }, 'deleted photo');
  return { data: publicView(entry), revision: rev };
}

async function execute(
  req: CrossbarRequest,
  outcome: Exclude<Outcome, { kind: 'reply' }>,
): Promise<Reply> {
  if (isPhotoPath(req.tokens) && outcome.kind === 'update') {
    return req.method === 'POST'
      ? uploadPhoto(req, outcome.current)
      : removePhoto(req, outcome.current);
  }
  const [listId] = req.tokens;
  if (req.tokens.length === 1 && listId !== undefined && outcome.kind === 'delete') {
    // DECISION 4: the entries go first (hard, in bulk), then the list itself.
    await deleteAllEntries(req, requireDb(req), listId);
  }
  return executeDocumentWrite(req, outcome);
}

/** KAZOO's Lists API (spec lists.md). */
export const listsModule: CrossbarModule = {
  noun: 'lists',
  scope: 'account',
  auth: 'token',
  routes,
  acceptsContent: (tokens, mediaType) => isPhotoPath(tokens) && isPhotoUploadType(mediaType),
  produces: (tokens) =>
    isVcardPath(tokens) ? VCARD_TYPES : isPhotoPath(tokens) ? PHOTO_TYPES : undefined,
  validate,
  execute,
};
