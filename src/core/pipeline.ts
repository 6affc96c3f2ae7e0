import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Next } from 'koa';
import type { AccountDoc, Couch } from '../couch/client';
import { accountDb } from '../couch/account-db';
import { isLiveAccount, type AccountDirectory } from '../couch/account-directory';
import {
  classifyContentType,
  mediaType,
  parseEnvelope,
  payloadTooLarge,
  readMultipartEnvelope,
  readText,
} from './body';
import { isTabular, toCsv } from './csv';
import {
  ChunkedListing,
  csvText,
  envelopeText,
  heldThenRest,
  holdListing,
  loggedText,
  streamedColumns,
  streamedListingTag,
} from './listing-stream';
import { etagMatches } from './etag';
import { DEFAULT_PRODUCES, negotiate } from './negotiation';
import { executeDocumentWrite } from './crud';
import { isPlainObject, type JsonObject } from './documents';
import { successEnvelope } from './envelope';
import { ApiError } from './errors';
import { envelopeContext, sendJson, setCorsHeaders, type CrossbarContext } from './middleware';
import { allowedMethods, Registry, withHead, type Route } from './registry';
import type { TokenService } from './tokens';
import type {
  CrossbarModule,
  CrossbarRequest,
  HttpMethod,
  Identity,
  Outcome,
  Reply,
} from './types';

const CROSSBAR_METHODS = new Set(['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS']);
const WRITE_METHODS = new Set(['PUT', 'POST', 'PATCH']);
/** Tokens that mean "no token" (monster-ui sends `X-Auth-Token: undefined`). */
const NO_TOKEN = new Set(['', 'undefined', 'null']);
/** JSONP callback names we run (DECISION 17): no script injection through `jsonp`. */
const JSONP_CALLBACK = /^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$/;
/** crossbar's default `Expires` on GET responses: never cache. */
const EXPIRES = 'Fri, 01 Jan 1999 00:00:00 GMT';

export interface PipelineDeps {
  registry: Registry;
  couch: Couch;
  accounts: AccountDirectory;
  tokens: TokenService;
  maxBodyBytes: number;
  /** `paginate=false` listings longer than this are streamed (listing-stream.ts). */
  heldListingItems: number;
}

/** The request values of core.md §6.4: data → query → envelope. */
function requestValues(envelope: JsonObject, query: Record<string, string>) {
  const data = isPlainObject(envelope.data) ? envelope.data : {};
  return (key: string): unknown => {
    if (data[key] !== undefined) return data[key];
    if (query[key] !== undefined) return query[key];
    return envelope[key];
  };
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** Splits `/v2/a/b` into `v2` and `['a','b']`; undefined when not a crossbar path. */
function tokenize(path: string): { version: string; tokens: string[] } | undefined {
  const match = /^\/(v1|v2)(?:\/(.*))?$/.exec(path);
  if (!match) return undefined;
  const version = match[1]!;
  const segments = match[2] === undefined ? [] : match[2].split('/');
  try {
    return { version, tokens: segments.map((segment) => decodeURIComponent(segment)) };
  } catch {
    // A malformed %-escape: no module can serve it.
    return { version, tokens: [] };
  }
}

/** The token of core.md §8: header, then request value, then `Authorization: Bearer`. */
function findToken(ctx: CrossbarContext, value: (key: string) => unknown): string | undefined {
  const header = ctx.get('X-Auth-Token').trim();
  if (!NO_TOKEN.has(header)) return header;
  const requestValue = value('auth_token');
  if (typeof requestValue === 'string' && !NO_TOKEN.has(requestValue.trim()))
    return requestValue.trim();
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('Authorization'));
  if (bearer && !NO_TOKEN.has(bearer[1]!)) return bearer[1];
  return undefined;
}

function accountPathError(token: string): ApiError {
  const message = token === '' ? 'missing account_id' : `invalid account_id '${token}'`;
  return new ApiError('bad identifier', { data: { message } });
}

/** Authorized: the token's own account, a descendant of it, or any account for the master. */
function mayAccess(identity: Identity, account: AccountDoc): boolean {
  return (
    identity.isSuperduper ||
    identity.accountId === account._id ||
    (account.pvt_tree ?? []).includes(identity.accountId)
  );
}

/**
 * The crossbar request pipeline (core.md §1): every check in crossbar's order, then the module's
 * validate, the conditional headers, and execute. Modules never see Koa.
 */
export function crossbarPipeline(deps: PipelineDeps) {
  return async function pipeline(ctx: CrossbarContext, _next: Next): Promise<void> {
    const realMethod = ctx.method.toUpperCase();
    if (!CROSSBAR_METHODS.has(realMethod)) throw new ApiError('not_implemented');

    const path = ctx.path.replace(/\/+$/, '') || '/';
    const tokenized = tokenize(path);
    const route: Route = tokenized
      ? deps.registry.resolve(tokenized.version, tokenized.tokens)
      : { kind: 'not_found' };
    const module = route.kind === 'module' ? route.module : undefined;
    const allowed = module && route.kind === 'module' ? allowedMethods(module, route.tokens) : [];
    if (module) ctx.state.allowedMethods = withHead(allowed);

    // 2. CORS preflight: no auth, no body.
    if (realMethod === 'OPTIONS' && ctx.state.isCors) {
      if (route.kind !== 'module' || allowed.length === 0) throw new ApiError('not_found');
      ctx.status = 200;
      ctx.body = '';
      setCorsHeaders(ctx);
      return;
    }

    // 3. Body and envelope. Bodies a module takes raw (photos) are left unread for it.
    const contentType = ctx.get('Content-Type');
    const kind = classifyContentType(contentType);
    const declared = Number(ctx.get('Content-Length'));
    if (Number.isFinite(declared) && declared > deps.maxBodyBytes)
      throw payloadTooLarge(deps.maxBodyBytes);
    const isTextBody = kind === 'json' || kind === 'none' || kind === 'form';
    const isRawBody =
      WRITE_METHODS.has(realMethod) &&
      kind !== 'none' &&
      module?.acceptsContent?.(
        route.kind === 'module' ? route.tokens : [],
        mediaType(contentType),
      ) === true;
    let envelope: JsonObject = { data: {} };
    if (!isRawBody && isTextBody) {
      envelope = parseEnvelope(await readText(ctx.req, deps.maxBodyBytes), kind);
    } else if (!isRawBody && kind === 'multipart') {
      envelope = await readMultipartEnvelope(ctx.req, deps.maxBodyBytes);
    }
    if (WRITE_METHODS.has(realMethod) && kind === 'none') {
      ctx.set('X-RFC2616', "Section 14.17 (Try it, you'll like it)");
    }
    const query = ctx.query as Record<string, string | string[]>;
    const flatQuery: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) {
      flatQuery[key] = Array.isArray(value) ? (value.at(-1) ?? '') : value;
    }
    const value = requestValues(envelope, flatQuery);
    if (isTrue(value('pretty_print'))) ctx.state.prettyPrint = true;

    // 4. A token that was sent must be good (the auth routes ignore tokens altogether).
    const isPublic = module?.auth === 'none';
    const token = isPublic ? undefined : findToken(ctx, value);
    let identity: Identity | undefined;
    if (token !== undefined) {
      ctx.state.authToken = token;
      identity = await deps.tokens.resolve(token);
      // One child logger per request (made in crossbarFrame); bindings are added to it in place.
      ctx.state.log.setBindings({ auth_account_id: identity.accountId });
    }

    // 5. Route.
    if (route.kind === 'not_found' || (route.kind === 'module' && allowed.length === 0)) {
      throw new ApiError('not_found');
    }

    // 6. Method, after tunnelling (DECISION 13: only over POST).
    const verb =
      typeof value('verb') === 'string' ? String(value('verb')).toUpperCase() : undefined;
    const tunnelled =
      verb !== undefined && (realMethod === 'POST' || verb === realMethod) ? verb : realMethod;
    const method = (tunnelled === 'HEAD' ? 'GET' : tunnelled) as HttpMethod;
    if (route.kind === 'module' && !(allowed as readonly string[]).includes(method)) {
      throw new ApiError('invalid_method');
    }
    // A browser sent POST to tunnel this verb: CORS must allow the POST it made.
    if (tunnelled !== realMethod && !ctx.state.allowedMethods?.includes(realMethod)) {
      ctx.state.allowedMethods?.push(realMethod);
    }

    // 7. The account in the URL.
    let account: AccountDoc | undefined;
    if (route.kind === 'module' && route.accountToken !== undefined) {
      const accountToken = route.accountToken;
      if (accountToken.length !== 32) throw accountPathError(accountToken);
      const found = await deps.accounts.get(accountToken);
      if (!isLiveAccount(found)) throw new ApiError('bad_identifier', { cause: accountToken });
      account = found;
      ctx.state.log.setBindings({ account_id: account._id });
    }

    // 8. Authentication.
    if (!isPublic && !identity) throw new ApiError('invalid_credentials');

    // 9. Authorization.
    if (identity && account && !mayAccess(identity, account)) throw new ApiError('forbidden');

    // 10. Unknown noun, answered only to the authenticated.
    if (route.kind !== 'module') throw new ApiError('not_found');

    // 11. Request Content-Type.
    if (WRITE_METHODS.has(realMethod) && !isTextBody && !isRawBody && kind !== 'multipart') {
      throw new ApiError('unsupported_media_type', { cause: contentType });
    }

    // 12. Accept.
    const accepted = negotiate(
      ctx.get('Accept'),
      route.module.produces?.(route.tokens) ?? DEFAULT_PRODUCES,
    );
    if (accepted === undefined) throw new ApiError('not_acceptable', { cause: ctx.get('Accept') });

    const data = withoutTransportKeys(envelope.data);
    ctx.state.log.setBindings({ module: route.module.noun });
    const req: CrossbarRequest = {
      method,
      tokens: route.tokens,
      path,
      ...(account ? { account, db: accountDb(deps.couch, account._id) } : {}),
      ...(identity ? { identity } : {}),
      data,
      value,
      flag: (key, fallback = false) => {
        const raw = value(key);
        return raw === undefined ? fallback : isTrue(raw);
      },
      query: flatQuery,
      contentType,
      ...(isRawBody ? { body: ctx.req } : {}),
      maxBodyBytes: deps.maxBodyBytes,
      accepted,
      header: (name) => ctx.get(name),
      noun: route.module.noun,
      requestId: ctx.state.requestId,
      couch: deps.couch,
      log: ctx.state.log,
    };

    const reply = await run(ctx, route.module, req);
    await renderReply(ctx, req, reply, {
      isRead: realMethod === 'HEAD' || method === 'GET',
      heldListingItems: deps.heldListingItems,
    });
  };
}

/** DECISION 16: `verb` and `auth_token` are transport, never stored from `data`. */
function withoutTransportKeys(data: unknown): unknown {
  if (!isPlainObject(data) || (!('verb' in data) && !('auth_token' in data))) return data;
  const { verb: _verb, auth_token: _token, ...rest } = data;
  return rest;
}

/** Steps 13–15; a write that loses a race (409) is validated and executed once more. */
async function run(
  ctx: CrossbarContext,
  module: CrossbarModule,
  req: CrossbarRequest,
): Promise<Reply> {
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await module.validate(req);
    if (outcome.kind === 'reply') return outcome.reply;
    checkIfMatch(ctx, outcome);
    try {
      return await (module.execute
        ? module.execute(req, outcome)
        : executeDocumentWrite(req, outcome));
    } catch (err) {
      const isRetryable = outcome.kind === 'update' && attempt === 1;
      if (!(isRetryable && err instanceof ApiError && err.code === 'datastore_conflict')) throw err;
      req.log.info({ doc_id: outcome.current._id }, 'conflict on save, retrying once');
    }
  }
}

/** `If-Match` on a write of an existing document: the lost-update guard (core.md §11). */
function checkIfMatch(ctx: CrossbarContext, outcome: Exclude<Outcome, { kind: 'reply' }>): void {
  const ifMatch = ctx.get('If-Match');
  if (!ifMatch || outcome.kind === 'create') return;
  const current = outcome.current._rev ?? '';
  if (!etagMatches(ifMatch, current)) throw new ApiError('precondition_failed', { cause: current });
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** The success envelope, `Location`, `ETag`/304, `Expires`. */
async function renderReply(
  ctx: CrossbarContext,
  req: CrossbarRequest,
  reply: Reply,
  { isRead, heldListingItems }: { isRead: boolean; heldListingItems: number },
): Promise<void> {
  if (reply.data instanceof ChunkedListing) {
    const held = await streamLongListing(ctx, req, reply.data, heldListingItems);
    if (held === undefined) return;
    reply = { ...reply, data: held };
  }
  let revision = reply.revision;
  // A listing's ETag is the md5 of its data; a document's is its `_rev` (core.md §11).
  if (isRead && revision === undefined && Array.isArray(reply.data))
    revision = md5(JSON.stringify(reply.data));
  if (isRead && revision !== undefined) {
    ctx.set('ETag', `"${revision}"`);
    if (sendNotModified(ctx, revision)) return;
  }
  if (isRead) ctx.set('Expires', EXPIRES);
  if (reply.authToken !== undefined) ctx.state.authToken = reply.authToken;
  if (reply.raw) {
    const { body, contentType, headers = {} } = reply.raw;
    ctx.status = reply.status ?? 200;
    if (ctx.method === 'HEAD' && body instanceof Readable) {
      // Nobody will read it: let go of it (and of CouchDB's connection) now.
      body.destroy();
      ctx.body = '';
    } else {
      ctx.body = body;
    }
    for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
    ctx.set('Content-Type', contentType);
    return;
  }
  if (reply.location !== undefined) ctx.set('Location', reply.location);
  else if (reply.createdId !== undefined) ctx.set('Location', `${req.path}/${reply.createdId}`);
  if (isCsvAsked(req) && isTabular(reply.data)) {
    ctx.status = reply.status ?? 200;
    ctx.body = toCsv(reply.data);
    setCsvHeaders(ctx, req);
    return;
  }
  const body = successEnvelope(envelopeContext(ctx), {
    data: reply.data,
    ...(revision !== undefined ? { revision } : {}),
    ...(reply.page ? { page: reply.page } : {}),
  });
  const callback = jsonpCallback(req);
  if (callback !== undefined) {
    ctx.status = reply.status ?? 200;
    ctx.body = `${callback}(${JSON.stringify(body, null, ctx.state.prettyPrint ? 2 : undefined)});`;
    ctx.set('Content-Type', 'application/javascript');
    return;
  }
  sendJson(ctx, reply.status ?? 200, body);
}

/** When `If-None-Match` names the answer's tag: a 304 with an empty body, and true (core.md §11). */
function sendNotModified(ctx: CrossbarContext, tag: string): boolean {
  const ifNoneMatch = ctx.get('If-None-Match');
  if (!ifNoneMatch || !etagMatches(ifNoneMatch, tag)) return false;
  ctx.set('ETag', `"${tag}"`);
  ctx.status = 304;
  ctx.body = null;
  return true;
}

function isCsvAsked(req: CrossbarRequest): boolean {
  const asked = req.value('accept');
  return req.accepted === 'text/csv' || asked === 'csv' || asked === 'text/csv';
}

function setCsvHeaders(ctx: CrossbarContext, req: CrossbarRequest): void {
  const named = req.value('file_name');
  const fileName =
    req.header('X-File-Name') || (typeof named === 'string' && named) || `${req.noun}.csv`;
  ctx.set('Content-Type', 'text/csv');
  ctx.set('Content-Disposition', `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`);
}

/** The JSONP callback asked for, when its name is one we run (DECISION 17). */
function jsonpCallback(req: CrossbarRequest): string | undefined {
  const callback = req.value('jsonp');
  return typeof callback === 'string' && JSONP_CALLBACK.test(callback) ? callback : undefined;
}

/**
 * A `paginate=false` listing (listing-stream.ts): returns its items when it is short enough to
 * answer whole like any other; a longer one is answered here, streamed, with the tag made from
 * the database's version (or a 304 on that tag before a row is read).
 */
async function streamLongListing(
  ctx: CrossbarContext,
  req: CrossbarRequest,
  listing: ChunkedListing,
  heldItems: number,
): Promise<unknown[] | undefined> {
  const callback = jsonpCallback(req);
  const tag = streamedListingTag(await listing.version(), {
    path: req.path,
    query: Object.entries(req.query).filter(([key]) => key !== 'auth_token' && key !== '_'),
    accepted: req.accepted,
    accept: req.value('accept'),
    jsonp: callback,
    pretty: ctx.state.prettyPrint,
    file_name: req.header('X-File-Name') || req.value('file_name'),
  });
  if (sendNotModified(ctx, tag)) return undefined;
  const held = await holdListing(listing, heldItems);
  if (held.isWhole) return held.items;

  const jsonType = callback !== undefined ? 'application/javascript' : 'application/json';
  const isHead = ctx.method === 'HEAD';
  // HEAD reads no rows past the held ones; listing items are always objects, so its CSV is CSV.
  const columns = isCsvAsked(req) && !isHead ? await streamedColumns(listing.open()) : undefined;
  // Nothing below can fail: an error above still gets a clean error envelope.
  ctx.status = 200;
  ctx.set('ETag', `"${tag}"`);
  ctx.set('Expires', EXPIRES);
  if (isHead) {
    await held.rest.return();
    ctx.body = Readable.from([]);
    if (isCsvAsked(req)) setCsvHeaders(ctx, req);
    else ctx.set('Content-Type', jsonType);
    return undefined;
  }
  const items = heldThenRest(held);
  const text = columns
    ? csvText(columns, items)
    : envelopeText(items, {
        fields: envelopeFields(ctx, tag),
        pretty: ctx.state.prettyPrint,
        ...(callback !== undefined ? { callback } : {}),
      });
  ctx.body = Readable.from(loggedText(text, ctx.state.log), { objectMode: false });
  if (columns) setCsvHeaders(ctx, req);
  else ctx.set('Content-Type', jsonType);
  return undefined;
}

/** The success envelope's fields but `data`, for a streamed listing. */
function envelopeFields(ctx: CrossbarContext, revision: string): Record<string, unknown> {
  const { data: _data, ...fields } = successEnvelope(envelopeContext(ctx), { data: [], revision });
  return fields;
}
