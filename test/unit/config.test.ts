import { ConfigError, loadConfig } from '../../src/config';

/** The ConfigError `env` causes. */
function errorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when nothing is set, then every default applies', () => {
    expect(loadConfig({})).toEqual({
      port: 8000,
      host: '127.0.0.1',
      couchdbUrl: undefined,
      dataDir: './data',
      logLevel: 'info',
      masterAccount: 'master',
      masterRealm: 'master.localhost',
      adminUser: 'admin',
      adminPassword: undefined,
      tokenTtlS: 3600,
      realmSuffix: 'sip.2600hz.com',
      maxUploadBytes: 8_000_000,
      version: '4.3.0',
      heldListingItems: 1000,
    });
  });

  it('when variables are set, then they are used and numbers are parsed', () => {
    const config = loadConfig({
      PORT: '9000',
      COUCHDB_URL: 'http://admin:pw@couch:5984',
      CROSSBAR_TOKEN_TTL_S: '60',
      CROSSBAR_MAX_UPLOAD_BYTES: '1000',
      CROSSBAR_ACCOUNT_REALM_SUFFIX: 'example.net',
      CROSSBAR_VERSION: '4.3.1',
      CROSSBAR_ADMIN_USER: 'Root',
      CROSSBAR_ADMIN_PASSWORD: 'secret',
      CROSSBAR_HELD_LISTING_ITEMS: '0',
    });

    expect(config).toMatchObject({
      port: 9000,
      couchdbUrl: 'http://admin:pw@couch:5984',
      tokenTtlS: 60,
      maxUploadBytes: 1000,
      realmSuffix: 'example.net',
      version: '4.3.1',
      adminUser: 'root',
      adminPassword: 'secret',
      heldListingItems: 0,
    });
  });

  it.each(['abc', '70000', '-1', '80.5'])(
    'when PORT is %p, then a ConfigError names PORT',
    (port) => {
      const error = errorFor({ PORT: port });

      expect(error).toBeInstanceOf(ConfigError);
      expect(error.name).toBe('ConfigError');
      expect(error.message).toContain('PORT');
    },
  );

  it.each([
    ['LOG_LEVEL', 'loud'],
    ['COUCHDB_URL', 'ftp://couch:5984'],
    ['COUCHDB_URL', 'not a url'],
    ['CROSSBAR_TOKEN_TTL_S', '0'],
    ['CROSSBAR_MAX_UPLOAD_BYTES', 'big'],
    ['CROSSBAR_MASTER_REALM', 'a b'],
    ['CROSSBAR_HELD_LISTING_ITEMS', '-1'],
    ['CROSSBAR_HELD_LISTING_ITEMS', 'many'],
  ])('when %s is %p, then a ConfigError names it', (name, value) => {
    expect(errorFor({ [name]: value }).message).toContain(name);
  });

  it('when a variable is set to the empty string, then it counts as unset', () => {
    expect(
      loadConfig({
        PORT: '',
        COUCHDB_URL: '',
        LOG_LEVEL: '',
        CROSSBAR_VERSION: '',
        CROSSBAR_ADMIN_PASSWORD: '',
      }),
    ).toMatchObject({
      port: 8000,
      couchdbUrl: undefined,
      logLevel: 'info',
      version: '4.3.0',
      adminPassword: undefined,
    });
  });

  it('when unrelated variables are present, then they are ignored', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' }).port).toBe(8000);
  });
});
