/**
 * The compatibility layer: express middleware in front of express-pouchdb so that nano code
 * behaves the same against it as against CouchDB 3. Each rule below exists because of a
 * measured difference (see ARCHITECTURE.md, "Two backends, one code path"):
 *
 *   GET /, GET /_up                 public; everything else needs the admin (Basic auth), as CouchDB 3
 *   /_all_dbs, /_session, /_uuids   answered here; other `/_…` are 404 or illegal_database_name
 *   /{db}…                          CouchDB's name rule; `/` in names kept (see pouch-store.ts)
 *   PUT /{db}                       parent folders created first (leveldb makes only the last one)
 *   DELETE /{db}                    404 when missing (express-pouchdb says 200)
 *   multipart bodies on documents   415 (express-pouchdb crashes the process on them)
 *   /{db}/_changes?filter=…         only filters that work; `_selector` is 400
 *   GET /{db}/{doc}                 ETag `"<rev>"` instead of a body hash
 *   any request                     JSON answers (it answers text/plain without `Accept`)
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { BadPathError, checkDbName, parseCouchPath, type CouchRoute } from './couch-path';
import type { PouchStore } from './pouch-store';

/** The one identity this server knows: CouchDB's server admin. */
export interface AdminCredentials {
  user: string;
  password: string;
}

export interface CompatOptions {
  store: PouchStore;
  admin: AdminCredentials;
  log: Logger;
}

interface CouchError {
  error: string;
  reason: string;
}

/** CouchDB endpoints this server does not implement: 404 rather than illegal_database_name. */
const UNIMPLEMENTED_ENDPOINTS: ReadonlySet<string> = new Set([
  '_active_tasks',
  '_cluster_setup',
  '_config',
  '_db_updates',
  '_dbs_info',
  '_membership',
  '_node',
  '_replicate',
  '_reshard',
  '_scheduler',
  '_search_analyze',
  '_stats',
  '_utils',
]);

/**
 * `_changes` filters that work through express-pouchdb on PouchDB 9 (measured). `_selector` needs
 * the body's selector, which express-pouchdb drops; `_design` is taken for a design-doc name.
 */
const BUILT_IN_CHANGES_FILTERS: ReadonlySet<string> = new Set(['_doc_ids', '_view']);

const MAX_UUIDS = 1000;
const DB_LIFECYCLE_TURN_MAX_MS = 30_000;

function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.setHeader('Content-Type', 'application/json');
  // A Buffer keeps express from appending `; charset=utf-8`, as express-pouchdb does.
  res.send(Buffer.from(`${JSON.stringify(body)}\n`, 'utf8'));
}

function sendError(res: Response, status: number, body: CouchError): void {
  sendJson(res, status, body);
}

function methodNotAllowed(res: Response, allowed: string[]): void {
  res.setHeader('Allow', allowed.join(', '));
  sendError(res, 405, { error: 'method_not_allowed', reason: `Only ${allowed.join(',')} allowed` });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

type AuthOutcome = 'admin' | 'anonymous' | 'wrong';

/** Basic auth against the admin credentials, compared in constant time. */
function authenticate(header: string | undefined, admin: AdminCredentials): AuthOutcome {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return 'anonymous';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'wrong';
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(admin.user));
  const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(admin.password));
  return userOk && passwordOk ? 'admin' : 'wrong';
}

/** CouchDB query values are JSON (`startkey="a"`); a bare word is taken as a string. */
function readJsonParam(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // not JSON: CouchDB clients do send bare strings (`?rev=1-abc`)
  }
}

function readIntParam(value: unknown, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  const parsed = readJsonParam(value);
  return typeof parsed === 'number' && Number.isInteger(parsed) && parsed >= 0 ? parsed : undefined;
}

function isMultipart(req: Request): boolean {
  return /^\s*multipart\//i.test(req.headers['content-type'] ?? '');
}

function hasJsonOrNoContentType(req: Request): boolean {
  const type = req.headers['content-type'];
  return type === undefined || /^\s*application\/json\s*(;|$)/i.test(type);
}

/** Wraps an async handler for express 4, which ignores returned promises. */
function handle(fn: (req: Request, res: Response, next: NextFunction) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    fn(req, res, next).catch(next);
  };
}

function routeOf(res: Response): CouchRoute {
  return res.locals['route'] as CouchRoute;
}

/**
 * Sets ETag `"<_rev>"` on a successful document GET/HEAD, as CouchDB does, by reading the rev
 * from the JSON express-pouchdb is about to send (a parse of one small document).
 */
function setRevEtagOnSend(res: Response, log: Logger): void {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    if (res.statusCode === 200 && Buffer.isBuffer(body) && res.getHeader('ETag') === undefined) {
      try {
        const doc = JSON.parse(body.toString('utf8')) as { _rev?: unknown };
        if (typeof doc._rev === 'string') res.setHeader('ETag', `"${doc._rev}"`);
      } catch (err) {
        log.debug({ err }, 'document body is not JSON; no ETag');
      }
    }
    return send(body);
  }) as Response['send'];
}

/**
 * Builds the CouchDB-compatible HTTP app: our rules, then express-pouchdb, then a JSON error
 * handler (express's default one answers HTML and writes to stderr by itself).
 */
export function createCompatApp({ store, admin, log }: CompatOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    if (log.isLevelEnabled('debug')) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.debug(
          { method: req.method, url: req.originalUrl, status: res.statusCode, ms },
          'request',
        );
      });
    }
    // express-pouchdb answers text/plain unless the client accepts JSON (nano omits Accept on
    // attachment uploads, then hands back a string). Attachment bodies keep their own type.
    req.headers.accept = 'application/json';
    try {
      res.locals['route'] = parseCouchPath(req.path);
    } catch (err) {
      if (err instanceof BadPathError)
        return sendError(res, 400, { error: 'bad_request', reason: err.message });
      throw err;
    }
    next();
  });

  const isReadMethod = (req: Request): boolean => req.method === 'GET' || req.method === 'HEAD';

  app.use((req, res, next) => {
    const route = routeOf(res);
    if (!isReadMethod(req)) return next();
    if (route.kind === 'root') {
      return sendJson(res, 200, {
        couchdb: 'Welcome',
        vendor: {
          name: 'crossbar-ts embedded CouchDB (express-pouchdb over PouchDB)',
          version: store.PouchDB.version,
        },
        features: [],
      });
    }
    if (route.kind === 'server' && route.endpoint === '_up' && route.rest.length === 0) {
      return sendJson(res, 200, { status: 'ok' });
    }
    next();
  });

  // CouchDB 3 is admin-only by default: databases, documents and `_all_dbs` included.
  app.use((req, res, next) => {
    const outcome = authenticate(req.headers.authorization, admin);
    if (outcome === 'admin') return next();
    const reason =
      outcome === 'wrong' ? 'Name or password is incorrect.' : 'You are not a server admin.';
    req.resume(); // discard any body so the connection stays usable
    sendError(res, 401, { error: 'unauthorized', reason });
  });

  app.use(
    handle(async (req, res, next) => {
      const route = routeOf(res);
      switch (route.kind) {
        case 'root':
          return methodNotAllowed(res, ['GET', 'HEAD']);
        case 'server':
          return serveServerEndpoint(route, req, res);
        default:
          break;
      }

      const nameProblem = checkDbName(route.db);
      if (nameProblem !== undefined) {
        return sendError(res, 400, { error: 'illegal_database_name', reason: nameProblem });
      }

      // express-pouchdb JSON.parse()s the first part of a multipart/related document upload and
      // throws outside any handler, taking the process down. CouchDB's own answer for a body
      // type it does not take is 415.
      const isAttachmentUpload = route.kind === 'attachment' && !route.docId.startsWith('_local/');
      if (isMultipart(req) && !isAttachmentUpload) {
        req.resume();
        return sendError(res, 415, {
          error: 'bad_content_type',
          reason: 'multipart requests are not supported by the embedded server',
        });
      }
      // Otherwise its JSON parser ignores a non-JSON body and the document is saved empty.
      const takesJsonBody =
        (route.kind === 'document' && (req.method === 'PUT' || req.method === 'POST')) ||
        (route.kind === 'database' && req.method === 'POST') ||
        (route.kind === 'db-endpoint' && route.endpoint === '_bulk_docs');
      if (takesJsonBody && !hasJsonOrNoContentType(req)) {
        req.resume();
        return sendError(res, 415, {
          error: 'bad_content_type',
          reason: 'Content-Type must be application/json',
        });
      }

      if (route.kind === 'database' && req.method === 'PUT')
        return prepareDatabaseCreation(route.db, res, next);
      if (route.kind === 'database' && req.method === 'DELETE') {
        await waitForDbLifecycleTurn(res);
        const dbs = await store.PouchDB.allDbs();
        if (!dbs.includes(route.db))
          return sendError(res, 404, { error: 'not_found', reason: 'Database does not exist.' });
      }
      if (route.kind === 'db-endpoint' && route.endpoint === '_changes') {
        const problem = checkChangesFilter(req.query['filter']);
        if (problem !== undefined)
          return sendError(res, 400, { error: 'bad_request', reason: problem });
      }
      if (route.kind === 'document' && isReadMethod(req)) setRevEtagOnSend(res, log);
      next();
    }),
  );

  // express-pouchdb checks and creates in separate steps, so concurrent `PUT /db` all got 201.
  // Creations and deletions take turns, each until its response is done, so the later ones
  // see the database (412) as CouchDB would answer. A turn that never ends (a lost response)
  // is given up after a while rather than blocking every later creation.
  let dbLifecycleTail: Promise<void> = Promise.resolve();
  function waitForDbLifecycleTurn(res: Response): Promise<void> {
    const previous = dbLifecycleTail;
    dbLifecycleTail = new Promise((release) => {
      const timer = setTimeout(release, DB_LIFECYCLE_TURN_MAX_MS);
      const done = (): void => {
        clearTimeout(timer);
        release();
      };
      res.once('finish', done);
      res.once('close', done);
    });
    return previous;
  }

  async function prepareDatabaseCreation(
    db: string,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    await waitForDbLifecycleTurn(res);
    const dbs = await store.PouchDB.allDbs();
    if (dbs.includes(db)) return next(); // express-pouchdb answers 412 file_exists
    // A database is a folder on disk, so `a` and `a/b` cannot both exist (CouchDB adds `.couch`).
    const clash = dbs.find((other) => other.startsWith(`${db}/`) || db.startsWith(`${other}/`));
    if (clash !== undefined) {
      return sendError(res, 400, {
        error: 'illegal_database_name',
        reason: `Name: '${db}'. It nests with the database '${clash}', which the embedded server cannot store.`,
      });
    }
    // leveldb creates the database's own folder but not its parents (pouchdb#5668).
    if (store.dataDir !== undefined)
      await mkdir(path.dirname(path.join(store.dataDir, db)), { recursive: true });
    next();
  }

  async function serveServerEndpoint(
    route: Extract<CouchRoute, { kind: 'server' }>,
    req: Request,
    res: Response,
  ): Promise<void> {
    const known = ['_all_dbs', '_session', '_uuids', '_up'];
    if (known.includes(route.endpoint)) {
      if (route.rest.length > 0)
        return sendError(res, 404, { error: 'not_found', reason: 'missing' });
      if (!isReadMethod(req)) return methodNotAllowed(res, ['GET', 'HEAD']);
    }
    switch (route.endpoint) {
      case '_all_dbs':
        return listDatabases(req, res);
      case '_session':
        return sendJson(res, 200, {
          ok: true,
          userCtx: { name: admin.user, roles: ['_admin'] },
          info: { authentication_handlers: ['default'], authenticated: 'default' },
        });
      case '_uuids': {
        const count = readIntParam(req.query['count'], 1);
        if (count === undefined || count > MAX_UUIDS) {
          return sendError(res, 400, {
            error: 'bad_request',
            reason: `count must be an integer from 0 to ${MAX_UUIDS}`,
          });
        }
        res.setHeader('Cache-Control', 'must-revalidate, no-cache');
        return sendJson(res, 200, {
          uuids: Array.from({ length: count }, () => randomBytes(16).toString('hex')),
        });
      }
      default:
        break;
    }
    if (UNIMPLEMENTED_ENDPOINTS.has(route.endpoint)) {
      return sendError(res, 404, {
        error: 'not_found',
        reason: 'Not implemented by the embedded server.',
      });
    }
    // CouchDB treats any other `/_…` as a database name, and refuses it.
    sendError(res, 400, {
      error: 'illegal_database_name',
      reason: checkDbName(route.endpoint) ?? 'Invalid name.',
    });
  }

  /** `_all_dbs` sorted, with CouchDB's startkey/endkey/limit/skip/descending. */
  async function listDatabases(req: Request, res: Response): Promise<void> {
    const descending = readJsonParam(req.query['descending']) === true;
    const startkey = readJsonParam(req.query['startkey'] ?? req.query['start_key']);
    const endkey = readJsonParam(req.query['endkey'] ?? req.query['end_key']);
    const limit = readIntParam(req.query['limit'], Number.MAX_SAFE_INTEGER);
    const skip = readIntParam(req.query['skip'], 0);
    if (limit === undefined || skip === undefined) {
      return sendError(res, 400, {
        error: 'query_parse_error',
        reason: 'limit and skip must be non-negative integers',
      });
    }
    const inRange = (name: string): boolean => {
      const [low, high] = descending ? [endkey, startkey] : [startkey, endkey];
      return (typeof low !== 'string' || name >= low) && (typeof high !== 'string' || name <= high);
    };
    // Code-point order, as CouchDB sorts `_all_dbs` (names are ASCII by the name rule).
    const names = (await store.PouchDB.allDbs())
      .filter((name) => !name.startsWith('pouch__'))
      .sort();
    if (descending) names.reverse();
    sendJson(res, 200, names.filter(inRange).slice(skip, skip + limit));
  }

  app.use(store.app);

  // Four parameters mark this as express's error handler, so `_next` stays.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown }).status;
    const code = typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
    if (code >= 500) log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    else log.info({ err, method: req.method, url: req.originalUrl }, 'request refused');
    if (res.headersSent) {
      req.socket.destroy(); // half a response is worse than none: let the client see the failure
      return;
    }
    sendError(res, code, {
      error: code >= 500 ? 'unknown_error' : 'bad_request',
      reason: err instanceof Error ? err.message : String(err),
    });
  });

  return app;
}

function checkChangesFilter(filter: unknown): string | undefined {
  if (filter === undefined) return undefined;
  if (typeof filter !== 'string') return '`filter` must be a single value';
  if (BUILT_IN_CHANGES_FILTERS.has(filter)) return undefined;
  if (/^[^_/][^/]*\/[^/]+$/.test(filter)) return undefined; // a design-document filter: ddoc/name
  return `filter '${filter}' is not supported by the embedded server`;
}
