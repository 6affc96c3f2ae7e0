import type { AccountDoc } from '../../couch/client';
import type { AccountDirectory } from '../../couch/account-directory';
import type { JsonObject } from '../../core/documents';
import type { TokenService } from '../../core/tokens';

/** What the auth modules need from the rest of the service. */
export interface AuthDeps {
  accounts: AccountDirectory;
  tokens: TokenService;
  masterAccountId: string;
}

/**
 * The account facts every auth response carries (`cb_user_auth` / monster-ui's login app reads
 * them): name, language, apps, reseller, master.
 */
export function sessionData(
  account: AccountDoc,
  masterAccountId: string,
  user?: Record<string, unknown>,
): JsonObject {
  const language =
    (typeof user?.language === 'string' && user.language) ||
    (typeof account.language === 'string' && account.language) ||
    'en-us';
  return {
    account_id: account._id,
    account_name: account.name,
    language,
    apps: [],
    is_reseller: account.pvt_reseller === true,
    reseller_id: account.pvt_reseller_id ?? masterAccountId,
    is_master_account: account._id === masterAccountId,
  };
}
