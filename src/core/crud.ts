import type { z } from 'zod';
import type { Db, StoredDoc } from '../couch/client';
import { encodedAccountDb } from '../couch/account-db';
import { hardDeleteDoc, loadDoc, newId, saveDoc, softDeleteDoc } from '../couch/docs';
import { databaseVersion, listingChunks, queryListing, type Listing } from '../couch/views';
import { ChunkedListing } from './listing-stream';
import { parseFilters } from './filters';
import { parsePageRequest } from './pagination';
import {
  deepMerge,
  isPlainObject,
  privateFields,
  publicView,
  type JsonObject,
  type SaveStamp,
} from './documents';
import { validationFailure } from './errors';
import { CLIENT_ID_PATTERN, parsePublicData } from './schema';
import type { CrossbarRequest, Outcome, Reply } from './types';

/** A document kind stored in account databases: its `pvt_type` and its schema. */
export interface DocumentKind {
  type: string;
  schema: z.ZodType;
}

function db(req: CrossbarRequest) {
  if (!req.db) throw new Error(`${req.method} of a document outside an account`);
  return req.db;
}

/**
 * The `_id` of a new document: the client's `id` when it matches `pattern` (core.md §14.2: safe
 * ids only, never `_design/…`), else a fresh one.
 */
export function idForCreate(data: unknown, pattern: RegExp = CLIENT_ID_PATTERN): string {
  const wanted = isPlainObject(data) ? data.id : undefined;
  if (wanted === undefined) return newId();
  if (typeof wanted !== 'string' || !pattern.test(wanted)) {
    throw validationFailure('id', 'pattern', {
      message: `Failed to match pattern '${pattern.source}'`,
      target: pattern.source,
      value: wanted,
    });
  }
  return wanted;
}

/**
 * PUT on a collection: validate, then the pipeline creates it (201 + Location). `data` is the
 * request data, or a module's version of it (lists force `list_id`).
 */
export function validateCreate(
  req: CrossbarRequest,
  kind: DocumentKind,
  data: unknown = req.data,
): Outcome {
  const parsed = parsePublicData(kind.schema, data);
  return { kind: 'create', doc: { ...parsed, _id: idForCreate(data) }, type: kind.type };
}

/** A loaded document as a GET answer: its public view and `_rev`. */
export function readOutcome(doc: StoredDoc): Outcome {
  return { kind: 'reply', reply: { data: publicView(doc), revision: doc._rev! } };
}

/** Replace semantics: validated public fields over the stored private ones (`_rev`, `pvt_*`, attachments). */
export function replaceOutcome(
  kind: DocumentKind,
  current: StoredDoc,
  parsed: JsonObject,
): Outcome {
  return {
    kind: 'update',
    current,
    doc: { ...privateFields(current), ...parsed },
    type: kind.type,
  };
}

/**
 * Merge semantics: `patch` deep-merged over the stored public fields (`null` deletes), then
 * `prepare` (a module's forced fields), then validated as a replace.
 */
export function mergeOutcome(
  kind: DocumentKind,
  current: StoredDoc,
  patch: unknown,
  prepare: (data: JsonObject) => JsonObject = (data) => data,
): Outcome {
  const { id: _id, _read_only: _readOnly, ...stored } = publicView(current);
  const merged = deepMerge(stored, isPlainObject(patch) ? patch : {});
  return replaceOutcome(kind, current, parsePublicData(kind.schema, prepare(merged)));
}

/** GET of one document. */
export async function validateRead(
  req: CrossbarRequest,
  kind: DocumentKind,
  id: string,
): Promise<Outcome> {
  return readOutcome(await loadDoc(db(req), id, kind.type));
}

/** POST: the submitted public fields replace the stored ones; validation before existence. */
export async function validateReplace(
  req: CrossbarRequest,
  kind: DocumentKind,
  id: string,
): Promise<Outcome> {
  const parsed = parsePublicData(kind.schema, req.data);
  return replaceOutcome(kind, await loadDoc(db(req), id, kind.type), parsed);
}

/** PATCH: deep merge over the stored public fields, then validate the result. */
export async function validateMerge(
  req: CrossbarRequest,
  kind: DocumentKind,
  id: string,
): Promise<Outcome> {
  return mergeOutcome(kind, await loadDoc(db(req), id, kind.type), req.data);
}

/** DELETE: load (404 rules), then the pipeline soft- or hard-deletes. */
export async function validateDelete(
  req: CrossbarRequest,
  kind: DocumentKind,
  id: string,
): Promise<Outcome> {
  const current = await loadDoc(db(req), id, kind.type);
  return { kind: 'delete', current, type: kind.type };
}

/** The generic single-document verbs, dispatched by method. */
export function validateDocument(
  req: CrossbarRequest,
  kind: DocumentKind,
  id: string,
): Promise<Outcome> {
  switch (req.method) {
    case 'GET':
      return validateRead(req, kind, id);
    case 'POST':
      return validateReplace(req, kind, id);
    case 'PATCH':
      return validateMerge(req, kind, id);
    case 'DELETE':
      return validateDelete(req, kind, id);
    case 'PUT':
      throw new Error('PUT on a document path is never allowed');
  }
}

/**
 * GET of a collection: one page of a view (filters and pagination from the request), or with
 * `paginate=false` the whole listing, read as the answer is written.
 */
export async function validateListing(
  req: CrossbarRequest,
  listing: Listing,
  viewDb: Db = db(req),
): Promise<Outcome> {
  const page = parsePageRequest(req.value);
  const filters = parseFilters(req.query);
  if (page.pageSize === undefined) {
    const whole = new ChunkedListing(
      () => listingChunks(viewDb, listing, filters, req.log),
      () => databaseVersion(viewDb),
    );
    return { kind: 'reply', reply: { data: whole } };
  }
  const result = await queryListing(
    viewDb,
    listing,
    { ...page, pageSize: page.pageSize },
    filters,
    req.log,
  );
  return {
    kind: 'reply',
    reply: { data: result.items, ...(result.page ? { page: result.page } : {}) },
  };
}

/** What every save stamps: module type, account, request, and who did it. */
export function saveStamp(req: CrossbarRequest, type: string): SaveStamp {
  const stamp: SaveStamp = { type, requestId: req.requestId };
  if (req.account) {
    stamp.accountId = req.account._id;
    stamp.accountDb = encodedAccountDb(req.account._id);
  }
  if (req.identity) {
    stamp.authAccountId = req.identity.accountId;
    if (req.identity.ownerId !== undefined) stamp.authUserId = req.identity.ownerId;
  }
  return stamp;
}

function requireDb(req: CrossbarRequest) {
  if (!req.db) throw new Error('a document write outside an account');
  return req.db;
}

/** The generic writes of core.md §14.4: create, replace/merge, soft or hard delete. */
export async function executeDocumentWrite(
  req: CrossbarRequest,
  outcome: Exclude<Outcome, { kind: 'reply' }>,
): Promise<Reply> {
  const db = requireDb(req);
  const stamp = saveStamp(req, outcome.type);
  switch (outcome.kind) {
    case 'create': {
      const saved = await saveDoc(db, outcome.doc, stamp);
      req.log.info({ doc_id: saved._id, rev: saved._rev }, 'created doc');
      return { status: 201, data: publicView(saved), revision: saved._rev!, createdId: saved._id };
    }
    case 'update': {
      const saved = await saveDoc(db, outcome.doc, stamp);
      req.log.info({ doc_id: saved._id, rev: saved._rev }, 'saved doc');
      return { data: publicView(saved), revision: saved._rev! };
    }
    case 'delete':
      return deleteDocument(req, outcome.current, stamp);
  }
}

async function deleteDocument(
  req: CrossbarRequest,
  current: StoredDoc,
  stamp: SaveStamp,
): Promise<Reply> {
  const db = requireDb(req);
  const deleted = { _read_only: { deleted: true } };
  if (req.flag('should_soft_delete', true)) {
    const saved = await softDeleteDoc(db, current, stamp);
    req.log.info({ doc_id: saved._id, rev: saved._rev }, 'soft-deleted doc');
    return { data: { ...publicView(saved), ...deleted }, revision: saved._rev! };
  }
  const rev = await hardDeleteDoc(db, current);
  req.log.info({ doc_id: current._id, rev }, 'deleted doc');
  return { data: { ...publicView(current), ...deleted }, revision: rev };
}
