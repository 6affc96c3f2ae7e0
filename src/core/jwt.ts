import { createHmac, timingSafeEqual } from 'node:crypto';
import { isPlainObject } from './documents';

/** The claims crossbar-ts puts in a token (spec accounts-auth.md §6). */
export interface TokenClaims {
  account_id: string;
  owner_id?: string;
  method: 'cb_user_auth' | 'cb_api_auth';
  iat: number;
  exp: number;
  jti: string;
  iss: 'crossbar-ts';
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(input: string, key: Buffer): string {
  return createHmac('sha256', key).update(input).digest('base64url');
}

/** JWS compact serialisation, HS256. */
export function signJwt(claims: TokenClaims, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${HEADER}.${payload}`;
  return `${input}.${sign(input, key)}`;
}

/** Allowed clock difference between replicas, in seconds. */
export const CLOCK_SKEW_S = 30;

/** The claims of a well-formed, correctly signed, unexpired token; undefined otherwise. */
export function verifyJwt(
  token: string,
  key: Buffer,
  nowS = Date.now() / 1000,
): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== HEADER) return undefined;
  const expected = Buffer.from(sign(`${header}.${payload}`, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    // A signed but unparsable payload cannot come from us.
    return undefined;
  }
  if (!isPlainObject(claims)) return undefined;
  const { account_id, exp, iat, jti, method } = claims;
  if (typeof account_id !== 'string' || typeof jti !== 'string') return undefined;
  if (typeof exp !== 'number' || typeof iat !== 'number') return undefined;
  if (method !== 'cb_user_auth' && method !== 'cb_api_auth') return undefined;
  if (exp + CLOCK_SKEW_S <= nowS) return undefined;
  return claims as unknown as TokenClaims;
}
