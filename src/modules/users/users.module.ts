// GET  /v2/accounts/{A}/users               → summary {id, username, first_name, last_name, email, priv_level}
// PUT  /v2/accounts/{A}/users               → create (password hashed, never stored)
// GET|POST|PATCH|DELETE …/users/{id}        → fetch, replace, merge, soft delete
import type { StoredDoc } from '../../couch/client';
import { queryView } from '../../couch/views';
import {
  validateCreate,
  validateDocument,
  validateListing,
  type DocumentKind,
} from '../../core/crud';
import { REQUIRED_MESSAGE, validationFailure } from '../../core/errors';
import type { CrossbarModule, CrossbarRequest, Outcome, RouteSpec } from '../../core/types';
import { credentialHashes } from './credentials';
import { UserSchema } from './users.schema';

const USER: DocumentKind = { type: 'user', schema: UserSchema };

const routes: RouteSpec[] = [
  { path: '', methods: ['GET', 'PUT'] },
  { path: '{id}', methods: ['GET', 'POST', 'PATCH', 'DELETE'] },
];

/** 400 `username.unique` when another live user of the account has the name. */
async function checkUniqueUsername(req: CrossbarRequest, doc: StoredDoc): Promise<void> {
  const username = String(doc.username);
  const rows = await queryView(
    req.db!,
    'account',
    'users',
    'list_by_username',
    { key: username },
    req.log,
  );
  if (rows.some((row) => row.id !== doc._id)) {
    throw validationFailure('username', 'unique', {
      message: 'User name is not unique for this account',
      cause: username,
    });
  }
}

/**
 * The password becomes KAZOO's two hashes and is dropped. A new username without a password
 * is refused (DECISION 22): the stored hashes embed the username and would stop matching.
 */
export function applyPassword(doc: StoredDoc, current?: StoredDoc): StoredDoc {
  const { password, ...rest } = doc;
  const username = String(rest.username);
  if (typeof password === 'string') {
    const hashes = credentialHashes(username, password);
    return { ...rest, pvt_md5_auth: hashes.md5, pvt_sha1_auth: hashes.sha1 };
  }
  if (current && current.username !== username) {
    throw validationFailure('password', 'required', {
      message: REQUIRED_MESSAGE,
      value: 'password',
    });
  }
  return rest;
}

async function finishWrite(req: CrossbarRequest, outcome: Outcome): Promise<Outcome> {
  if (outcome.kind === 'create') {
    const doc = applyPassword(outcome.doc);
    await checkUniqueUsername(req, doc);
    return { ...outcome, doc };
  }
  if (outcome.kind === 'update') {
    const doc = applyPassword(outcome.doc, outcome.current);
    if (doc.username !== outcome.current.username) await checkUniqueUsername(req, doc);
    return { ...outcome, doc };
  }
  return outcome;
}

async function validate(req: CrossbarRequest): Promise<Outcome> {
  const [id] = req.tokens;
  if (id === undefined) {
    if (req.method === 'PUT') return finishWrite(req, validateCreate(req, USER));
    return validateListing(req, {
      dbClass: 'account',
      design: 'users',
      view: 'crossbar_listing',
      toItem: (row) => row.value,
    });
  }
  return finishWrite(req, await validateDocument(req, USER, id));
}

export const usersModule: CrossbarModule = {
  noun: 'users',
  scope: 'account',
  auth: 'token',
  routes,
  validate,
};
