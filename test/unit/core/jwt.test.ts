import { createHmac } from 'node:crypto';
import { signJwt, verifyJwt, type TokenClaims } from '../../../src/core/jwt';

const key = Buffer.alloc(64, 7);
const otherKey = Buffer.alloc(64, 8);
const NOW = 1_800_000_000;

function claims(overrides: Partial<TokenClaims> = {}): TokenClaims {
  return {
    account_id: 'a'.repeat(32),
    owner_id: 'b'.repeat(32),
    method: 'cb_user_auth',
    iat: NOW,
    exp: NOW + 3600,
    jti: 'c'.repeat(32),
    iss: 'crossbar-ts',
    ...overrides,
  };
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A correctly signed token with any header and payload. */
function signedRaw(header: unknown, payload: unknown, signingKey = key): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', signingKey).update(input).digest('base64url')}`;
}

describe('signJwt', () => {
  it('when claims are signed, then the token is JWS compact HS256 with the claims as payload', () => {
    const token = signJwt(claims(), key);
    const [header, payload, signature] = token.split('.');

    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual(claims());
    expect(signature).toBe(
      createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url'),
    );
  });
});

describe('verifyJwt', () => {
  it('when a token we signed is checked, then its claims come back', () => {
    expect(verifyJwt(signJwt(claims(), key), key, NOW)).toEqual(claims());
  });

  it('when an api token without owner_id is checked, then its claims come back', () => {
    const { owner_id: _owner, ...apiClaims } = claims({ method: 'cb_api_auth' });

    expect(verifyJwt(signJwt(apiClaims, key), key, NOW)).toEqual(apiClaims);
  });

  it('when the payload is tampered with, then it is refused', () => {
    const [header, , signature] = signJwt(claims(), key).split('.');
    const forged = `${header}.${b64(claims({ account_id: 'f'.repeat(32) }))}.${signature}`;

    expect(verifyJwt(forged, key, NOW)).toBeUndefined();
  });

  it('when the signature is tampered with, then it is refused', () => {
    const token = signJwt(claims(), key);
    const last = token.at(-1) === 'A' ? 'B' : 'A';

    expect(verifyJwt(token.slice(0, -1) + last, key, NOW)).toBeUndefined();
  });

  it('when the signature is missing, then it is refused', () => {
    const [header, payload] = signJwt(claims(), key).split('.');

    expect(verifyJwt(`${header}.${payload}.`, key, NOW)).toBeUndefined();
  });

  it('when another key signed it, then it is refused', () => {
    expect(verifyJwt(signJwt(claims(), otherKey), key, NOW)).toBeUndefined();
  });

  it('when the header says alg none, then it is refused', () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;

    expect(verifyJwt(token, key, NOW)).toBeUndefined();
  });

  it('when it expired more than 30 s ago, then it is refused', () => {
    const token = signJwt(claims({ exp: NOW - 31 }), key);

    expect(verifyJwt(token, key, NOW)).toBeUndefined();
  });

  it('when it expired exactly 30 s ago, then it is refused', () => {
    const token = signJwt(claims({ exp: NOW - 30 }), key);

    expect(verifyJwt(token, key, NOW)).toBeUndefined();
  });

  it('when it expired less than 30 s ago, then the clock skew allowance accepts it', () => {
    const token = signJwt(claims({ exp: NOW - 29 }), key);

    expect(verifyJwt(token, key, NOW)).toEqual(claims({ exp: NOW - 29 }));
  });

  it.each(['', 'abc', 'a.b', 'a.b.c', 'a.b.c.d', '...'])(
    'when the token is malformed (%p), then it is refused',
    (token) => {
      expect(verifyJwt(token, key, NOW)).toBeUndefined();
    },
  );

  it('when a signed payload is not JSON, then it is refused', () => {
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const payload = Buffer.from('not json').toString('base64url');
    const input = `${header}.${payload}`;
    const token = `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;

    expect(verifyJwt(token, key, NOW)).toBeUndefined();
  });

  it.each([
    ['account_id missing', { ...claims(), account_id: undefined }],
    ['jti missing', { ...claims(), jti: undefined }],
    ['exp not a number', { ...claims(), exp: String(NOW + 3600) }],
    ['unknown method', { ...claims(), method: 'cb_magic' }],
    ['payload an array', [claims()]],
  ])('when a signed payload has %s, then it is refused', (_case, payload) => {
    expect(verifyJwt(signedRaw({ alg: 'HS256', typ: 'JWT' }, payload), key, NOW)).toBeUndefined();
  });
});
