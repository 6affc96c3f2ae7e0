import type { AppDeps } from '../app';
import type { CrossbarModule } from '../core/types';
import { createAccountsModule } from './accounts/accounts.module';
import { createApiAuthModule } from './auth/api-auth.module';
import { createTokenAuthModule } from './auth/token-auth.module';
import { createUserAuthModule } from './auth/user-auth.module';
import { listsModule } from './lists/lists.module';
import { thingsModule } from './things/things.module';
import { usersModule } from './users/users.module';

/** The explicit list of crossbar modules this service mounts. */
export function buildModules(deps: AppDeps): CrossbarModule[] {
  const auth = {
    accounts: deps.accounts,
    tokens: deps.tokens,
    masterAccountId: deps.masterAccountId,
  };
  return [
    createAccountsModule({
      accounts: deps.accounts,
      masterAccountId: deps.masterAccountId,
      config: deps.config,
    }),
    createUserAuthModule(auth),
    createApiAuthModule(auth),
    createTokenAuthModule(auth),
    usersModule,
    thingsModule,
    listsModule,
  ];
}
