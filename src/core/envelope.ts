import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { ApiError } from './errors';

/** Envelope fields shared by success and error bodies (`api_util:create_resp_envelope`). */
export interface EnvelopeContext {
  requestId: string;
  authToken: string | undefined;
  version: string;
}

/** Pagination keys of a listing response. */
export interface PageInfo {
  startKey?: unknown;
  nextStartKey?: string;
}

export interface SuccessBody {
  data: unknown;
  revision?: string;
  page?: PageInfo;
}

/** md5 of the host name, base64url: crossbar's `node`, stable per process. */
export const NODE_ID = createHash('md5').update(hostname()).digest('base64url');

/** ISO-8601 UTC to the second: `2026-11-22T06:00:00Z`. */
export function timestamp(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function common(ctx: EnvelopeContext): Record<string, unknown> {
  return {
    request_id: ctx.requestId,
    node: NODE_ID,
    version: ctx.version,
    timestamp: timestamp(),
  };
}

export function successEnvelope(ctx: EnvelopeContext, body: SuccessBody): Record<string, unknown> {
  const envelope: Record<string, unknown> = { data: body.data, status: 'success', ...common(ctx) };
  if (ctx.authToken !== undefined) envelope.auth_token = ctx.authToken;
  if (body.revision !== undefined) envelope.revision = body.revision;
  if (body.page) {
    envelope.page_size = Array.isArray(body.data) ? body.data.length : 1;
    if (body.page.startKey !== undefined) envelope.start_key = body.page.startKey;
    if (body.page.nextStartKey !== undefined) envelope.next_start_key = body.page.nextStartKey;
  }
  return envelope;
}

/** Errors always carry `auth_token`: the token, or the string "undefined" as crossbar sends. */
export function errorEnvelope(ctx: EnvelopeContext, error: ApiError): Record<string, unknown> {
  return { ...error.toJSON(), ...common(ctx), auth_token: ctx.authToken ?? 'undefined' };
}
