import {
  accountDbName,
  accountIdFromDb,
  encodedAccountDb,
  isAccountId,
} from '../../../src/couch/account-db';

const ID = '4fe0a1b2c3d4e5f60718293a4b5c6d7e';

describe('accountDbName', () => {
  it('when given an account id, then the id is split 2/2/28 under account/', () => {
    expect(accountDbName(ID)).toBe('account/4f/e0/a1b2c3d4e5f60718293a4b5c6d7e');
  });
});

describe('encodedAccountDb', () => {
  it('when given an account id, then every / is written %2F', () => {
    expect(encodedAccountDb(ID)).toBe('account%2F4f%2Fe0%2Fa1b2c3d4e5f60718293a4b5c6d7e');
  });
});

describe('accountIdFromDb', () => {
  it.each([
    'account/4f/e0/a1b2c3d4e5f60718293a4b5c6d7e',
    'account%2F4f%2Fe0%2Fa1b2c3d4e5f60718293a4b5c6d7e',
    'account%2f4f%2fe0%2fa1b2c3d4e5f60718293a4b5c6d7e',
  ])('when the database is %p, then the account id comes back', (name) => {
    expect(accountIdFromDb(name)).toBe(ID);
  });

  it.each([
    'accounts',
    'system_config',
    'account/4f/e0/a1b2',
    'account/4f/e0a1b2c3d4e5f60718293a4b5c6d7e',
    'account/4F/E0/A1B2C3D4E5F60718293A4B5C6D7E',
    'account/4f/e0/a1b2c3d4e5f60718293a4b5c6d7e-extra',
  ])('when the database is %p, then there is no account id', (name) => {
    expect(accountIdFromDb(name)).toBeUndefined();
  });

  it('when an id goes through accountDbName and back, then it is unchanged', () => {
    expect(accountIdFromDb(accountDbName(ID))).toBe(ID);
    expect(accountIdFromDb(encodedAccountDb(ID))).toBe(ID);
  });
});

describe('isAccountId', () => {
  it.each([
    [ID, true],
    [ID.toUpperCase(), false],
    [ID.slice(1), false],
    [`${ID}0`, false],
    ['g'.repeat(32), false],
  ])('when the id is %p, then %p', (id, expected) => {
    expect(isAccountId(id)).toBe(expected);
  });
});
