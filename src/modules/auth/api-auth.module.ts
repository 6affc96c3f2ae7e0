// PUT /v2/api_auth (and /v1/api_auth) → 201, a token for the account owning {api_key}
import { isLiveAccount } from '../../couch/account-directory';
import { isPlainObject } from '../../core/documents';
import { ApiError } from '../../core/errors';
import { parsePublicData } from '../../core/schema';
import { accountDisabled } from '../../core/tokens';
import type { CrossbarModule, CrossbarRequest, Outcome } from '../../core/types';
import { findAccountIdsByApiKey } from '../accounts/account-store';
import { sessionData, type AuthDeps } from './auth-session';
import { ApiAuthSchema } from './auth.schema';

export function createApiAuthModule(deps: AuthDeps): CrossbarModule {
  async function validate(req: CrossbarRequest): Promise<Outcome> {
    // An empty key is a failed login, not a schema error (cb_api_auth checks it first).
    if (isPlainObject(req.data) && req.data.api_key === '')
      throw new ApiError('invalid_credentials');
    const { api_key: apiKey } = parsePublicData(ApiAuthSchema, req.data);
    const [accountId] = await findAccountIdsByApiKey(req.couch, apiKey, req.log);
    const account = accountId === undefined ? undefined : await deps.accounts.get(accountId);
    if (!isLiveAccount(account)) throw new ApiError('bad identifier', { data: [apiKey] });
    if (account.pvt_enabled === false) throw accountDisabled();
    const token = deps.tokens.issue(account._id, 'cb_api_auth');
    req.log.info({ account_id: account._id }, 'api key authenticated');
    return {
      kind: 'reply',
      reply: { status: 201, authToken: token, data: sessionData(account, deps.masterAccountId) },
    };
  }

  return {
    noun: 'api_auth',
    scope: 'root',
    auth: 'none',
    v1: true,
    routes: [{ path: '', methods: ['PUT'] }],
    validate,
  };
}
