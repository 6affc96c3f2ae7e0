// GET    /v2/token_auth (and /v1/) → the token's claims and account facts
// DELETE /v2/token_auth           → revoke the token (DECISION 18)
import { ApiError } from '../../core/errors';
import type { CrossbarModule, CrossbarRequest, Outcome } from '../../core/types';
import { sessionData, type AuthDeps } from './auth-session';

export function createTokenAuthModule(deps: AuthDeps): CrossbarModule {
  async function validate(req: CrossbarRequest): Promise<Outcome> {
    const identity = req.identity;
    if (!identity) throw new ApiError('invalid_credentials');
    if (req.method === 'DELETE') {
      await deps.tokens.revoke(identity);
      req.log.info({ account_id: identity.accountId }, 'token revoked');
      return { kind: 'reply', reply: { data: {} } };
    }
    const account = await deps.accounts.get(identity.accountId);
    if (!account) throw new ApiError('invalid credentials', { data: {} });
    const claims = {
      account_id: identity.accountId,
      ...(identity.ownerId !== undefined ? { owner_id: identity.ownerId } : {}),
      method: identity.method,
      iat: identity.iat,
      exp: identity.exp,
    };
    return {
      kind: 'reply',
      reply: { data: { ...sessionData(account, deps.masterAccountId), ...claims } },
    };
  }

  return {
    noun: 'token_auth',
    scope: 'root',
    auth: 'token',
    v1: true,
    routes: [{ path: '', methods: ['GET', 'DELETE'] }],
    validate,
  };
}
