import Router from '@koa/router';
import Koa from 'koa';
import type { Config } from './config';
import type { Couch } from './couch/client';
import type { AccountDirectory } from './couch/account-directory';
import { ApiError } from './core/errors';
import { crossbarFrame, type CrossbarState } from './core/middleware';
import { crossbarPipeline } from './core/pipeline';
import { Registry } from './core/registry';
import type { TokenService } from './core/tokens';
import type { Logger } from './logger';
import { buildModules } from './modules';

/** Everything the app needs, built by index.ts (or a test) beforehand. */
export interface AppDeps {
  config: Config;
  couch: Couch;
  accounts: AccountDirectory;
  tokens: TokenService;
  log: Logger;
  /** The master account's id, once bootstrapped. */
  masterAccountId: string;
}

/** The Koa app: no environment reads, no listen (index.ts owns the process). */
export function createApp(deps: AppDeps): Koa<CrossbarState> {
  const app = new Koa<CrossbarState>();
  app.proxy = false;
  // Errors are rendered and logged by crossbarFrame; Koa's own printer would duplicate them.
  app.silent = true;
  const registry = new Registry(buildModules(deps));

  const router = new Router<CrossbarState>();
  router.get('/', (ctx) => {
    ctx.body = 'crossbar-ts: KAZOO crossbar REST API (v2) on CouchDB\n';
    ctx.set('Content-Type', 'text/plain');
  });
  router.all(
    /^\/v[12](\/.*)?$/,
    crossbarPipeline({
      ...deps,
      registry,
      maxBodyBytes: deps.config.maxUploadBytes,
      heldListingItems: deps.config.heldListingItems,
    }),
  );

  app.use(crossbarFrame(deps.log, deps.config.version));
  // Anything no route claimed gets crossbar's 404 envelope, never Koa's text/plain.
  app.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) throw new ApiError('not_found');
  });
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new ApiError('invalid_method'),
      notImplemented: () => new ApiError('not_implemented'),
    }),
  );
  return app;
}
