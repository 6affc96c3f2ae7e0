import type { z } from 'zod';
import type { StoredDoc } from '../couch/client';
import { loadDoc, newId } from '../couch/docs';
import { queryListing, type Listing } from '../couch/views';
import { parseFilters } from './filters';
import { parsePageRequest } from './pagination';
import { deepMerge, isPlainObject, privateFields, publicView, type JsonObject } from './documents';
import { validationFailure } from './errors';
import { CLIENT_ID_PATTERN, parsePublicData } from './schema';
import type { CrossbarRequest, Outcome } from './types';

/** A document kind stored in account databases: its `pvt_type` and its schema. */
export interface DocumentKind {
  type: string;
  schema: z.ZodType;
}

function db(req: CrossbarRequest) {
  if (!req.db) throw new Error(`${req.method} of a document outside an account`);
  return req.db;
}

/** The `_id` of a new document: the client's `id` when it is a safe id, else a fresh one. */
export function idForCreate(data: unknown): string {
  const wanted = isPlainObject(data) ? data.id : undefined;
  if (wanted === undefined) return newId();
  if (typeof wanted !== 'string' || !CLIENT_ID_PATTERN.test(wanted)) {
    const pattern = CLIENT_ID_PATTERN.source;
    throw validationFailure('id', 'pattern', {
      message: `Failed to match pattern '${pattern}'`,
      target: pattern,
      value: wanted,
    });
  }
  return wanted;
}

/** PUT on a collection: validate, then the pipeline creates it (201 + Location). */
export function validateCreate(
  req: CrossbarRequest,
  kind: DocumentKind,
  extra: JsonObject = {},
): Outcome {
  const parsed = parsePublicData(kind.schema, req.data);
  const doc: StoredDoc = { ...parsed, ...extra, _id: idForCreate(req.data) };
  return { kind: 'create', doc, type: kind.type };
}

/** GET of one document: its public view and `_rev`. */
export async function validateRead(
  req: CrossbarRequest,
  kind: DocumentKind,
  id: string,
): Promise<Outcome> {
  const doc = await loadDoc(db(req), id, kind.type);
  return { kind: 'reply', reply: { data: publicView(doc), revision: doc._rev! } };
}

/** POST: the submitted public fields replace the stored ones; validation before existence. */
export async function validateReplace(
  req: CrossbarRequest,
  kind: DocumentKind,
  id: string,
  extra: JsonObject = {},
): Promise<Outcome> {
  const parsed = parsePublicData(kind.schema, req.data);
  const current = await loadDoc(db(req), id, kind.type);
  return {
    kind: 'update',
    current,
    doc: { ...privateFields(current), ...parsed, ...extra },
    type: kind.type,
  };
}

/** PATCH: deep merge over the stored public fields (`null` deletes), then validate the result. */
export async function validateMerge(
  req: CrossbarRequest,
  kind: DocumentKind,
  id: string,
  extra: JsonObject = {},
): Promise<Outcome> {
  const current = await loadDoc(db(req), id, kind.type);
  const { id: _id, _read_only: _readOnly, ...stored } = publicView(current);
  const patch = isPlainObject(req.data) ? req.data : {};
  const parsed = parsePublicData(kind.schema, deepMerge(stored, patch));
  return {
    kind: 'update',
    current,
    doc: { ...privateFields(current), ...parsed, ...extra },
    type: kind.type,
  };
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

/** GET of a collection: one page of a view (filters and pagination from the request). */
export async function validateListing(req: CrossbarRequest, listing: Listing): Promise<Outcome> {
  const result = await queryListing(
    db(req),
    listing,
    parsePageRequest(req.value),
    parseFilters(req.query),
    req.log,
  );
  return {
    kind: 'reply',
    reply: { data: result.items, ...(result.page ? { page: result.page } : {}) },
  };
}
