// PUT    /v2/accounts                       → create a child of the token's account
// PUT    /v2/accounts/{A}                   → create a child of {A}
// GET|POST|PATCH|DELETE /v2/accounts/{A}    → fetch, replace, merge, delete (not the master)
// GET    /v2/accounts/{A}/api_key           → {api_key}
// GET    /v2/accounts/{A}/children          → direct children, by name, paginated
// GET    /v2/accounts/{A}/descendants       → every account below, by name, paginated
// GET    /v2/accounts/{A}/parents           → the ancestors, root first
import type { AccountDoc, StoredDoc } from '../../couch/client';
import type { AccountDirectory } from '../../couch/account-directory';
import { loadDoc } from '../../couch/docs';
import { pageOfRows, type ViewRow } from '../../couch/views';
import { parseFilters } from '../../core/filters';
import { parsePageRequest } from '../../core/pagination';
import { idForCreate, saveStamp, validateListing } from '../../core/crud';
import {
  deepMerge,
  isPlainObject,
  privateFields,
  publicView,
  type JsonObject,
} from '../../core/documents';
import { ApiError } from '../../core/errors';
import { parsePublicData } from '../../core/schema';
import type {
  CrossbarModule,
  CrossbarRequest,
  HttpMethod,
  Outcome,
  Reply,
  RouteSpec,
} from '../../core/types';
import { ACCOUNT_ID_PATTERN } from '../../couch/account-db';
import { AccountSchema, COMPUTED_KEYS } from './accounts.schema';
import {
  checkUnique,
  createAccount,
  deleteAccount,
  generateRealm,
  hasChildren,
  saveAccount,
} from './account-store';

export interface AccountsDeps {
  accounts: AccountDirectory;
  masterAccountId: string;
  config: { realmSuffix: string };
}

const LISTINGS: Record<string, string> = {
  children: 'listing_by_children',
  descendants: 'listing_by_descendants',
};

/** Account response data: public fields plus what `cb_accounts:leak_pvt_fields` computes. */
export function accountData(
  doc: AccountDoc,
  req: CrossbarRequest,
  masterAccountId: string,
): JsonObject {
  const resellerId = doc.pvt_reseller_id ?? masterAccountId;
  const billingMode =
    resellerId === req.identity?.accountId
      ? 'limits_only'
      : resellerId === masterAccountId
        ? 'normal'
        : 'manual';
  const data: JsonObject = {
    ...publicView(doc),
    enabled: doc.pvt_enabled !== false,
    created: doc.pvt_created,
    superduper_admin: doc.pvt_superduper_admin === true,
    wnm_allow_additions: doc.pvt_wnm_allow_additions === true,
    is_reseller: doc.pvt_reseller === true,
    reseller_id: resellerId,
    billing_mode: billingMode,
  };
  if (req.flag('include_api_key')) data.api_key = doc.pvt_api_key;
  return data;
}

/** Incoming data without the computed keys; `enabled` returned apart (it becomes `pvt_enabled`). */
function incoming(data: unknown): { fields: JsonObject; enabled: unknown } {
  if (!isPlainObject(data)) return { fields: {}, enabled: undefined };
  const fields = { ...data };
  for (const key of COMPUTED_KEYS) delete fields[key];
  return { fields, enabled: data.enabled };
}

/**
 * Only an ancestor (or the master) may enable or disable an account, never the account itself
 * (`cb_accounts:maybe_import_enabled`). `target` is undefined on create: the creator is an ancestor.
 */
function mayToggle(req: CrossbarRequest, target: AccountDoc | undefined): boolean {
  const identity = req.identity;
  if (!identity) return false;
  if (target === undefined) return true;
  if (identity.accountId === target._id) return false;
  return identity.isSuperduper || (target.pvt_tree ?? []).includes(identity.accountId);
}

export function createAccountsModule(deps: AccountsDeps): CrossbarModule {
  const { masterAccountId } = deps;

  const routes: RouteSpec[] = [
    { path: '', methods: ['PUT'] },
    { path: '{A}', methods: ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'] },
    { path: '{A}/api_key', methods: ['GET'] },
    { path: '{A}/children', methods: ['GET'] },
    { path: '{A}/descendants', methods: ['GET'] },
    { path: '{A}/parents', methods: ['GET'] },
  ];

  /** The master account is never deleted (4.3 leaves DELETE out of its allowed methods). */
  function narrowMethods(
    tokens: readonly string[],
    methods: readonly HttpMethod[],
  ): readonly HttpMethod[] {
    return tokens.length === 1 && tokens[0] === masterAccountId
      ? methods.filter((m) => m !== 'DELETE')
      : methods;
  }

  async function parentFor(req: CrossbarRequest): Promise<AccountDoc> {
    if (req.account) return req.account;
    const own = req.identity ? await deps.accounts.get(req.identity.accountId) : undefined;
    if (!own) throw new ApiError('invalid_credentials');
    return own;
  }

  async function validateCreate(req: CrossbarRequest): Promise<Outcome> {
    const { fields, enabled } = incoming(req.data);
    if (fields.realm === '') delete fields.realm;
    const parsed = parsePublicData(AccountSchema, fields);
    const { enabled: _enabled, ...data } = parsed;
    // DECISION 23: a client id must be usable as an account id (32 lowercase hex).
    const id = idForCreate(req.data, ACCOUNT_ID_PATTERN);
    data.realm ??= generateRealm(deps.config.realmSuffix);
    await checkUnique(req.couch, { _id: id, name: data.name, realm: data.realm }, req.log);
    await parentFor(req);
    const isEnabled =
      enabled === undefined || !mayToggle(req, undefined) || parsed.enabled !== false;
    return { kind: 'create', type: 'account', doc: { ...data, _id: id, pvt_enabled: isEnabled } };
  }

  async function validateUpdate(req: CrossbarRequest, id: string): Promise<Outcome> {
    const isPatch = req.method === 'PATCH';
    const { fields, enabled } = incoming(req.data);
    const parsedFirst = isPatch ? undefined : parsePublicData(AccountSchema, fields);
    const current = (await loadDoc(req.couch.accounts, id, 'account')) as AccountDoc;
    let parsed: JsonObject;
    if (parsedFirst) {
      parsed = parsedFirst;
    } else {
      const { id: _id, _read_only: _ro, ...stored } = publicView(current);
      parsed = parsePublicData(AccountSchema, deepMerge(stored, fields));
    }
    const { enabled: _enabled, ...data } = parsed;
    // A replace without a realm keeps the one logins use.
    data.realm ??= current.realm;
    if (
      data.name !== current.name ||
      String(data.realm).toLowerCase() !== String(current.realm).toLowerCase()
    ) {
      await checkUnique(req.couch, { _id: id, name: data.name, realm: data.realm }, req.log);
    }
    const doc: StoredDoc = { ...privateFields(current), ...data, _id: id };
    if (enabled !== undefined && mayToggle(req, current))
      doc.pvt_enabled = parsed.enabled !== false;
    return { kind: 'update', type: 'account', current, doc };
  }

  /** The ancestors, root first: keyed by depth, paged and filtered like any listing. */
  async function validateParents(req: CrossbarRequest, account: AccountDoc): Promise<Outcome> {
    const tree = account.pvt_tree ?? [];
    const docs = await Promise.all(tree.map((id) => deps.accounts.get(id)));
    const rows = tree.map((id, depth) => ({
      id,
      key: depth,
      value: { id, name: docs[depth]?.name },
      doc: docs[depth] ?? null,
    }));
    const result = pageOfRows(
      rows,
      parsePageRequest(req.value),
      parseFilters(req.query),
      (row) => row.value,
    );
    return {
      kind: 'reply',
      reply: { data: result.items, ...(result.page ? { page: result.page } : {}) },
    };
  }

  async function validate(req: CrossbarRequest): Promise<Outcome> {
    const [id, sub] = req.tokens;
    if (req.method === 'PUT') return validateCreate(req);
    if (id === undefined || !req.account) throw new ApiError('not_found');
    if (sub === 'api_key') {
      const doc = (await loadDoc(req.couch.accounts, id, 'account')) as AccountDoc;
      return { kind: 'reply', reply: { data: { api_key: doc.pvt_api_key } } };
    }
    if (sub === 'parents') return validateParents(req, req.account);
    if (sub !== undefined) {
      const listing = { dbClass: 'accounts', design: 'accounts', view: LISTINGS[sub]! } as const;
      const range = { startkey: [id], endkey: [id, {}], toItem: (row: ViewRow) => row.value };
      return validateListing(req, { ...listing, ...range }, req.couch.accounts);
    }
    switch (req.method) {
      case 'GET': {
        const doc = (await loadDoc(req.couch.accounts, id, 'account')) as AccountDoc;
        return {
          kind: 'reply',
          reply: { data: accountData(doc, req, masterAccountId), revision: doc._rev! },
        };
      }
      case 'POST':
      case 'PATCH':
        return validateUpdate(req, id);
      case 'DELETE': {
        const current = (await loadDoc(req.couch.accounts, id, 'account')) as AccountDoc;
        if (await hasChildren(req.couch, id, req.log))
          throw new ApiError('account_has_descendants');
        return { kind: 'delete', type: 'account', current };
      }
    }
  }

  async function execute(
    req: CrossbarRequest,
    outcome: Exclude<Outcome, { kind: 'reply' }>,
  ): Promise<Reply> {
    const { type: _type, ...stamp } = saveStamp(req, 'account');
    switch (outcome.kind) {
      case 'create': {
        const { _id: id, pvt_enabled: isEnabled, ...data } = outcome.doc;
        const parent = await parentFor(req);
        const created = await createAccount(
          req.couch,
          deps.accounts,
          {
            id,
            data,
            parent,
            masterAccountId,
            isEnabled: isEnabled !== false,
            stamp: { ...(stamp.requestId ? { requestId: stamp.requestId } : {}), ...authOf(stamp) },
          },
          req.log,
        );
        return {
          status: 201,
          data: accountData(created, req, masterAccountId),
          revision: created._rev!,
          // DECISION 23: a URL that answers, not 4.3's `{request path}/{id}`.
          location: `/v2/accounts/${created._id}`,
        };
      }
      case 'update': {
        const saved = await saveAccount(req.couch, deps.accounts, outcome.doc, stamp);
        return { data: accountData(saved, req, masterAccountId), revision: saved._rev! };
      }
      case 'delete': {
        const saved = await deleteAccount(
          req.couch,
          deps.accounts,
          outcome.current,
          stamp,
          req.log,
        );
        return {
          data: { ...accountData(saved, req, masterAccountId), _read_only: { deleted: true } },
          revision: saved._rev!,
        };
      }
    }
  }

  return {
    noun: 'accounts',
    scope: 'root',
    auth: 'token',
    routes,
    narrowMethods,
    validate,
    execute,
  };
}

function authOf(stamp: { authAccountId?: string; authUserId?: string }) {
  return {
    ...(stamp.authAccountId !== undefined ? { authAccountId: stamp.authAccountId } : {}),
    ...(stamp.authUserId !== undefined ? { authUserId: stamp.authUserId } : {}),
  };
}
