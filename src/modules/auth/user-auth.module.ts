// PUT /v2/user_auth (and /v1/user_auth) → 201, a token for the user whose credentials match
//   {credentials: md5|sha1 hex of "user:password", method?, account_name | account_realm | realm | phone_number}
import { accountDb } from '../../couch/account-db';
import { isLiveAccount } from '../../couch/account-directory';
import { findDoc } from '../../couch/docs';
import { queryView } from '../../couch/views';
import { ApiError } from '../../core/errors';
import { parsePublicData } from '../../core/schema';
import { accountDisabled } from '../../core/tokens';
import type { CrossbarModule, CrossbarRequest, Outcome } from '../../core/types';
import { findAccountIdsByName, findAccountIdsByRealm } from '../accounts/account-store';
import { sessionData, type AuthDeps } from './auth-session';
import { UserAuthSchema } from './auth.schema';

/** Accounts the request names, in crossbar's order: phone number, realm, name. */
async function candidateAccounts(
  req: CrossbarRequest,
  data: Record<string, unknown>,
): Promise<string[]> {
  const realm = data.account_realm ?? data.realm;
  const ids: string[] = [];
  // No number store in this project: a phone number matches no account (spec §5.1).
  if (typeof realm === 'string')
    ids.push(...(await findAccountIdsByRealm(req.couch, realm, req.log)));
  if (typeof data.account_name === 'string') {
    ids.push(...(await findAccountIdsByName(req.couch, data.account_name, req.log)));
  }
  return [...new Set(ids)];
}

export function createUserAuthModule(deps: AuthDeps): CrossbarModule {
  async function validate(req: CrossbarRequest): Promise<Outcome> {
    const data = parsePublicData(UserAuthSchema, req.data);
    const hasAccountKey = ['account_name', 'account_realm', 'realm', 'phone_number'].some(
      (key) => data[key] !== undefined,
    );
    if (!hasAccountKey) throw new ApiError('invalid_credentials');

    const view = data.method === 'sha' ? 'creds_by_sha' : 'creds_by_md5';
    const credentials = data.credentials.toLowerCase();
    for (const accountId of await candidateAccounts(req, data)) {
      const account = await deps.accounts.get(accountId);
      if (!isLiveAccount(account)) continue;
      const db = accountDb(req.couch, accountId);
      const [row] = await queryView(
        db,
        'account',
        'users',
        view,
        { key: credentials, limit: 1 },
        req.log,
      );
      if (!row) continue;
      if (account.pvt_enabled === false) throw accountDisabled();
      const user = await findDoc(db, row.id);
      const token = deps.tokens.issue(accountId, 'cb_user_auth', row.id);
      req.log.info({ account_id: accountId, owner_id: row.id }, 'user authenticated');
      return {
        kind: 'reply',
        reply: {
          status: 201,
          authToken: token,
          data: { ...sessionData(account, deps.masterAccountId, user), owner_id: row.id },
        },
      };
    }
    // Never say whether the account or the user was wrong.
    throw new ApiError('invalid_credentials');
  }

  return {
    noun: 'user_auth',
    scope: 'root',
    auth: 'none',
    v1: true,
    routes: [{ path: '', methods: ['PUT'] }],
    validate,
  };
}
