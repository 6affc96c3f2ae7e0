import type { Readable } from 'node:stream';
import type { Logger } from '../logger';
import type { AccountDoc, Couch, Db, StoredDoc } from '../couch/client';
import type { PageInfo } from './envelope';

/** Verbs a crossbar module can allow. HEAD is served by GET's handler. */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** Who a valid token says the caller is. */
export interface Identity {
  accountId: string;
  ownerId?: string;
  method: 'cb_user_auth' | 'cb_api_auth';
  jti: string;
  iat: number;
  exp: number;
  token: string;
  /** The token's account is the master (`pvt_superduper_admin`). */
  isSuperduper: boolean;
}

/** What a module sees of a request: plain values, never Koa's ctx. */
export interface CrossbarRequest {
  /** The verb after tunnelling; HEAD arrives as GET. */
  method: HttpMethod;
  /** Path tokens after the module's noun: `things/{id}/stuff` → `[id, 'stuff']`. */
  tokens: string[];
  /** The request path as received, trailing slashes removed (for `Location`). */
  path: string;
  /** The account in the URL (`/v2/accounts/{A}/…`), once known to exist. */
  account?: AccountDoc;
  /** The account's database, for account-scoped modules. */
  db?: Db;
  identity?: Identity;
  /** The envelope's `data`, minus `verb` and `auth_token`. */
  data: unknown;
  /** A request value: `data.K` → query `K` → envelope `K` (`cb_context:req_value`). */
  value: (key: string) => unknown;
  /** Boolean request value: only `true`/"true" is true. */
  flag: (key: string, fallback?: boolean) => boolean;
  query: Readonly<Record<string, string>>;
  /** The request's Content-Type as sent. */
  contentType: string;
  /**
   * The unread request body, only on writes whose Content-Type the module takes raw
   * (`acceptsContent`): streamed by the module, never parsed by the pipeline.
   */
  body?: Readable;
  /** The body size limit (`CROSSBAR_MAX_UPLOAD_BYTES`). */
  maxBodyBytes: number;
  /** The media type chosen from `Accept` among the module's `produces` (JSON by default). */
  accepted: string;
  /** The module's noun (CSV file names). */
  noun: string;
  /** A request header, lower-case name; '' when absent. */
  header: (name: string) => string;
  requestId: string;
  couch: Couch;
  log: Logger;
}

/** What a module answers; the pipeline turns it into crossbar's envelope. */
export interface Reply {
  /** The answer's `data`; a `ChunkedListing` for a `paginate=false` listing read as it is sent. */
  data: unknown;
  status?: 200 | 201;
  /** `_rev` of a document, or omitted to use md5 of `data` for listings on GET. */
  revision?: string;
  /** Set on create: the pipeline builds `Location` from the path and this id. */
  createdId?: string;
  /** A `Location` of the module's own making (accounts: DECISION 23). */
  location?: string;
  /** Present on paginated listings. */
  page?: PageInfo;
  /** A token this request created (user_auth, api_auth): echoed as `auth_token`. */
  authToken?: string;
  /** A body that is not a crossbar envelope (a vCard, a photo); `revision` becomes its ETag. */
  raw?: RawBody;
}

export interface RawBody {
  body: Readable | Buffer | string;
  contentType: string;
  headers?: Record<string, string>;
}

/**
 * The result of validation (`cb_*:validate`): either a finished reply (reads, actions) or the
 * document write that `execute` performs once conditional headers are checked.
 */
export type Outcome =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'create'; doc: StoredDoc; type: string }
  | { kind: 'update'; current: StoredDoc; doc: StoredDoc; type: string }
  | { kind: 'delete'; current: StoredDoc; type: string };

/**
 * One line of a route table: the path after the noun, as `/`-separated tokens that are literal
 * words or `{placeholders}` (`''` is the collection itself), and the verbs allowed there.
 */
export interface RouteSpec {
  path: string;
  methods: readonly HttpMethod[];
}

/**
 * A crossbar module: the URL noun it answers, which verbs each path allows, and how it validates
 * and executes. The pipeline owns everything else (auth, envelopes, errors, conditionals).
 */
export interface CrossbarModule {
  /** Plural, lower case: the URL word, folder, design document. */
  noun: string;
  /** `account`: `/v2/accounts/{A}/<noun>…`; `root`: `/v2/<noun>…`. */
  scope: 'account' | 'root';
  /** Required, no default: a module that forgets is not mounted (fail closed). */
  auth: 'token' | 'none';
  /** Also answered under `/v1/` (only the auth routes, spec DECISION 19). */
  v1?: boolean;
  /**
   * The route table: the single source for 404 (no route), 405 (+ `Allow`), CORS preflight, and
   * the list tests iterate so that no route of any module goes unchecked.
   */
  routes: readonly RouteSpec[];
  /** Narrows a route's verbs by data in the path (the master account cannot be deleted). */
  narrowMethods?(tokens: readonly string[], methods: readonly HttpMethod[]): readonly HttpMethod[];
  /**
   * Media types a write takes raw, as a stream the module reads itself (a photo upload). Such
   * bodies bypass the pipeline's parser; any other non-JSON type on a write is a 415.
   */
  acceptsContent?(tokens: readonly string[], mediaType: string): boolean;
  /** What a path can answer, best first, for `Accept` (406 when none fits); undefined: the default (JSON or CSV). */
  produces?(tokens: readonly string[]): readonly string[] | undefined;
  validate(req: CrossbarRequest): Promise<Outcome>;
  /** Overrides the generic document write for an outcome. */
  execute?(req: CrossbarRequest, outcome: Exclude<Outcome, { kind: 'reply' }>): Promise<Reply>;
}
