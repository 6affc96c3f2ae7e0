import { randomBytes } from 'node:crypto';
import type { Couch } from '../couch/client';
import { AccountDirectory, isLiveAccount } from '../couch/account-directory';
import { findDoc, isCouchStatus, toApiError, writeDoc } from '../couch/docs';
import { gregorianNow } from './documents';
import { ApiError } from './errors';
import { signJwt, verifyJwt, type TokenClaims } from './jwt';
import type { Identity } from './types';

const SIGNING_KEY_ID = 'crossbar_ts_signing_key';

/** Reads the shared signing key, creating it if absent; on a race every replica ends with one key. */
export async function loadSigningKey(couch: Couch): Promise<Buffer> {
  const existing = await findDoc(couch.systemAuth, SIGNING_KEY_ID);
  if (typeof existing?.secret === 'string') return Buffer.from(existing.secret, 'base64url');
  try {
    await couch.systemAuth.insert({
      _id: SIGNING_KEY_ID,
      secret: randomBytes(64).toString('base64url'),
      pvt_type: 'crossbar_ts_key',
      pvt_created: gregorianNow(),
    });
  } catch (err) {
    if (!isCouchStatus(err, 409)) throw toApiError(err);
  }
  return loadSigningKey(couch);
}

interface RevocationEntry {
  isRevoked: boolean;
  expires: number;
}

/**
 * Issues, checks and revokes tokens. Revocations made here take effect at once; those made by
 * another replica within `cacheMs` (the same bound as account changes, accounts-auth.md §6).
 */
export class TokenService {
  private readonly revocations = new Map<string, RevocationEntry>();

  constructor(
    private readonly couch: Couch,
    private readonly accounts: AccountDirectory,
    private readonly key: Buffer,
    private readonly ttlS: number,
    private readonly cacheMs = 5000,
  ) {}

  issue(accountId: string, method: TokenClaims['method'], ownerId?: string): string {
    const iat = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      account_id: accountId,
      ...(ownerId !== undefined ? { owner_id: ownerId } : {}),
      method,
      iat,
      exp: iat + this.ttlS,
      jti: randomBytes(16).toString('hex'),
      iss: 'crossbar-ts',
    };
    return signJwt(claims, this.key);
  }

  /**
   * The identity behind a token. Bad, expired or revoked tokens and deleted accounts → 401
   * (`invalid credentials`, data `{}`); a disabled account → 423.
   */
  async resolve(token: string): Promise<Identity> {
    const claims = verifyJwt(token, this.key);
    if (!claims) throw rejectedToken();
    if (await this.isRevoked(claims.jti)) throw rejectedToken();
    const account = await this.accounts.get(claims.account_id);
    if (!isLiveAccount(account)) throw rejectedToken();
    if (account.pvt_enabled === false) throw accountDisabled();
    return {
      accountId: claims.account_id,
      ...(claims.owner_id !== undefined ? { ownerId: claims.owner_id } : {}),
      method: claims.method,
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
      token,
      isSuperduper: account.pvt_superduper_admin === true,
    };
  }

  /** Records the revocation in `token_auth` so every replica refuses the token. */
  async revoke(identity: Identity): Promise<void> {
    await writeDoc(this.couch.tokenAuth, {
      _id: identity.jti,
      pvt_type: 'revoked_token',
      exp: identity.exp,
      pvt_created: gregorianNow(),
    }).catch((err: unknown) => {
      // Revoked twice (a retry, or two logouts racing): already done.
      if (!(err instanceof ApiError && err.code === 'datastore_conflict')) throw err;
    });
    this.revocations.set(identity.jti, { isRevoked: true, expires: Infinity });
  }

  private async isRevoked(jti: string): Promise<boolean> {
    const now = Date.now();
    const cached = this.revocations.get(jti);
    if (cached && cached.expires > now) return cached.isRevoked;
    const isRevoked = (await findDoc(this.couch.tokenAuth, jti)) !== undefined;
    if (this.revocations.size >= 100_000) this.revocations.clear();
    this.revocations.set(jti, { isRevoked, expires: isRevoked ? Infinity : now + this.cacheMs });
    return isRevoked;
  }
}

function rejectedToken(): ApiError {
  return new ApiError('invalid credentials', { data: {} });
}

/** 423 with KAZOO's body for a disabled account (login or token). */
export function accountDisabled(): ApiError {
  return new ApiError('locked', {
    data: { account: { disabled: { message: 'account disabled' } } },
  });
}
