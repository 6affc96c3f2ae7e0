import { z } from 'zod';

/** Every setting the service reads, from the environment, once, at start-up. */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default('127.0.0.1'),
  COUCHDB_URL: z.url({ protocol: /^https?$/ }).optional(),
  CROSSBAR_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CROSSBAR_MASTER_ACCOUNT: z.string().min(1).max(128).default('master'),
  CROSSBAR_MASTER_REALM: z
    .string()
    .regex(/^[0-9A-Za-z\-.:_]{4,253}$/)
    .default('master.localhost'),
  CROSSBAR_ADMIN_USER: z.string().min(1).max(256).default('admin'),
  CROSSBAR_ADMIN_PASSWORD: z.string().min(1).optional(),
  CROSSBAR_TOKEN_TTL_S: z.coerce.number().int().positive().default(3600),
  CROSSBAR_ACCOUNT_REALM_SUFFIX: z.string().min(1).default('sip.2600hz.com'),
  CROSSBAR_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(8_000_000),
  CROSSBAR_VERSION: z.string().min(1).default('4.3.0'),
  CROSSBAR_HELD_LISTING_ITEMS: z.coerce.number().int().min(0).default(1000),
});

export interface Config {
  port: number;
  host: string;
  /** Absent: the embedded CouchDB-compatible server is started. */
  couchdbUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  masterAccount: string;
  masterRealm: string;
  adminUser: string;
  adminPassword: string | undefined;
  tokenTtlS: number;
  realmSuffix: string;
  maxUploadBytes: number;
  version: string;
  /** `paginate=false` listings of up to this many items are answered whole; longer ones streamed. */
  heldListingItems: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in a docker-compose `FOO=` line.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    couchdbUrl: c.COUCHDB_URL,
    dataDir: c.CROSSBAR_DATA_DIR,
    logLevel: c.LOG_LEVEL,
    masterAccount: c.CROSSBAR_MASTER_ACCOUNT,
    masterRealm: c.CROSSBAR_MASTER_REALM,
    adminUser: c.CROSSBAR_ADMIN_USER.toLowerCase(),
    adminPassword: c.CROSSBAR_ADMIN_PASSWORD,
    tokenTtlS: c.CROSSBAR_TOKEN_TTL_S,
    realmSuffix: c.CROSSBAR_ACCOUNT_REALM_SUFFIX,
    maxUploadBytes: c.CROSSBAR_MAX_UPLOAD_BYTES,
    version: c.CROSSBAR_VERSION,
    heldListingItems: c.CROSSBAR_HELD_LISTING_ITEMS,
  };
}
