import { randomBytes } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../logger';
import { errorEnvelope, type EnvelopeContext } from './envelope';
import { ApiError } from './errors';

/** Per-request state shared by the middleware and the pipeline. */
export interface CrossbarState {
  requestId: string;
  log: Logger;
  isCors: boolean;
  /** The token the request carried (echoed as `auth_token`). */
  authToken?: string;
  /** The path's allowed methods once routed, for CORS and `Allow`. */
  allowedMethods?: string[];
  prettyPrint: boolean;
  version: string;
}

export type CrossbarContext = Context & { state: CrossbarState };

export const CORS_ALLOW_HEADERS =
  'Content-Type, Depth, User-Agent, X-Http-Method-Override, X-File-Size, X-Requested-With, ' +
  'If-Modified-Since, X-File-Name, Cache-Control, X-Auth-Token, X-Kazoo-Cluster-ID, If-Match, ' +
  'If-None-Match, X-Request-ID, X-Pretty-Print';
export const CORS_EXPOSE_HEADERS =
  'Content-Type, X-Auth-Token, X-Request-ID, X-Kazoo-Cluster-ID, Location, Etag, ETag';

/** 1..128 printable ASCII, space included (core.md §3). */
const CLIENT_REQUEST_ID = /^[\x20-\x7e]{1,128}$/;

/** A request is a CORS request when it carries any of these (`api_util:is_cors_request`). */
function isCorsRequest(ctx: Context): boolean {
  return Boolean(
    ctx.get('Origin') ||
    ctx.get('Access-Control-Request-Method') ||
    ctx.get('Access-Control-Request-Headers'),
  );
}

/** `OPTIONS, ` + the path's methods (+ the one asked for in a preflight). */
export function setCorsHeaders(ctx: CrossbarContext): void {
  const methods = ['OPTIONS', ...(ctx.state.allowedMethods ?? [])];
  const requested = ctx.get('Access-Control-Request-Method').toUpperCase();
  if (requested && !methods.includes(requested)) methods.push(requested);
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.set('Access-Control-Allow-Methods', methods.join(', '));
  ctx.set('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS);
  ctx.set('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS);
  ctx.set('Access-Control-Max-Age', '86400');
}

/** Writes a JSON body with exactly `application/json` (clients compare the whole string). */
export function sendJson(ctx: CrossbarContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.body = JSON.stringify(body, null, ctx.state.prettyPrint ? 2 : undefined);
  ctx.set('Content-Type', 'application/json');
}

function envelopeContext(ctx: CrossbarContext): EnvelopeContext {
  return {
    requestId: ctx.state.requestId,
    authToken: ctx.state.authToken,
    version: ctx.state.version,
  };
}

export { envelopeContext };

/** The query string with any token taken out, for logs. */
function loggablePath(ctx: Context): string {
  if (!ctx.querystring) return ctx.path;
  const params = new URLSearchParams(ctx.querystring);
  if (params.has('auth_token')) params.set('auth_token', '[Redacted]');
  return `${ctx.path}?${params.toString()}`;
}

/**
 * The outermost middleware: request id, child logger, CORS on every CORS response and every
 * error, the one catch that renders crossbar error envelopes, and one log line per request.
 */
export function crossbarFrame(rootLog: Logger, version: string) {
  return async function frame(ctx: CrossbarContext, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    const sent = ctx.get('X-Request-ID');
    const requestId = CLIENT_REQUEST_ID.test(sent) ? sent : randomBytes(16).toString('hex');
    ctx.state.requestId = requestId;
    ctx.state.log = rootLog.child({ request_id: requestId });
    ctx.state.isCors = isCorsRequest(ctx);
    ctx.state.prettyPrint = ctx.get('X-Pretty-Print').toLowerCase() === 'true';
    ctx.state.version = version;
    ctx.set('X-Request-ID', requestId);

    let failure: ApiError | undefined;
    try {
      await next();
    } catch (err) {
      failure = asApiError(err, ctx.state.log, ctx.req.readableAborted);
      sendJson(ctx, failure.status, errorEnvelope(envelopeContext(ctx), failure));
      if (failure.status === 405) ctx.set('Allow', (ctx.state.allowedMethods ?? []).join(', '));
    }
    if (failure || ctx.state.isCors) setCorsHeaders(ctx);

    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const line = {
      method: ctx.method,
      path: loggablePath(ctx),
      status: ctx.status,
      duration_ms: durationMs,
    };
    if (ctx.status >= 500) ctx.state.log.error({ ...line, error: failure?.code }, 'request failed');
    else ctx.state.log.info(line, 'request');
  };
}

/** Known errors pass; anything else is a 500 whose details go to the log, never the client. */
function asApiError(err: unknown, log: Logger, isClientGone: boolean): ApiError {
  if (err instanceof ApiError) return err;
  // The client hung up mid-body: nobody reads the answer, and it is not our fault.
  if (isClientGone || (err as { type?: string }).type === 'request.aborted') {
    return new ApiError('validation error', {
      data: { body: { aborted: { message: 'request aborted' } } },
    });
  }
  log.error({ err }, 'unexpected error');
  return new ApiError('unspecified_fault');
}
