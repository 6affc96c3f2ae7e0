import type { CrossbarModule, HttpMethod } from './types';

/** Where a path leads, before any check (core.md §1 step 5). */
export type Route =
  | {
      kind: 'module';
      module: CrossbarModule;
      tokens: string[];
      /** The `{A}` of `/v2/accounts/{A}/…`, as sent. */
      accountToken?: string;
    }
  /** A noun nobody serves: 404, but only once authenticated (step 10). */
  | { kind: 'unknown_noun' }
  /** Not a crossbar path, or a sub-path no module handles: 404 at once. */
  | { kind: 'not_found' };

/** The module list and the crossbar routing rules over URL tokens. */
export class Registry {
  private readonly root = new Map<string, CrossbarModule>();
  private readonly accountScoped = new Map<string, CrossbarModule>();

  constructor(readonly modules: readonly CrossbarModule[]) {
    for (const module of modules) {
      const table = module.scope === 'account' ? this.accountScoped : this.root;
      if (table.has(module.noun)) throw new Error(`two modules claim the noun ${module.noun}`);
      table.set(module.noun, module);
    }
  }

  /** `version` is `v1` or `v2`; `tokens` are the decoded path segments after it. */
  resolve(version: string, tokens: string[]): Route {
    const [noun, ...rest] = tokens;
    if (noun === undefined) return { kind: 'not_found' };
    if (version === 'v1') {
      const module = this.root.get(noun);
      return module?.v1 ? { kind: 'module', module, tokens: rest } : { kind: 'not_found' };
    }
    if (noun === 'accounts' && rest.length >= 2) {
      const [accountToken, subNoun, ...subTokens] = rest as [string, string, ...string[]];
      const module = this.accountScoped.get(subNoun);
      if (module) return { kind: 'module', module, tokens: subTokens, accountToken };
    }
    const module = this.root.get(noun);
    if (!module) return noun === 'accounts' ? { kind: 'not_found' } : { kind: 'unknown_noun' };
    const route: Route = { kind: 'module', module, tokens: rest };
    // The accounts module's own paths carry the account id as their first token.
    if (noun === 'accounts' && rest[0] !== undefined) route.accountToken = rest[0];
    return route;
  }
}

function matches(pattern: string, tokens: readonly string[]): boolean {
  const parts = pattern === '' ? [] : pattern.split('/');
  if (parts.length !== tokens.length) return false;
  return parts.every((part, i) => {
    const token = tokens[i]!;
    return part.startsWith('{') ? token !== '' : part === token;
  });
}

/** The verbs a module allows on a path (after its noun); none means no such route (404). */
export function allowedMethods(
  module: CrossbarModule,
  tokens: readonly string[],
): readonly HttpMethod[] {
  const route = module.routes.find((spec) => matches(spec.path, tokens));
  if (!route) return [];
  return module.narrowMethods ? module.narrowMethods(tokens, route.methods) : route.methods;
}

/** The verbs a path allows, HEAD added after GET (spec DECISION 14). */
export function withHead(methods: readonly HttpMethod[]): string[] {
  const all: string[] = [];
  for (const method of methods) {
    all.push(method);
    if (method === 'GET') all.push('HEAD');
  }
  return all;
}
