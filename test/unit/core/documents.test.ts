import type { StoredDoc } from '../../../src/couch/client';
import {
  alphanumName,
  deepMerge,
  GREGORIAN_OFFSET_S,
  gregorianNow,
  privateFields,
  publicView,
  stampPrivateFields,
  withoutPrivateKeys,
} from '../../../src/core/documents';

const stored: StoredDoc = {
  _id: 'doc1',
  _rev: '2-abc',
  _attachments: { 'photo.png': { stub: true } },
  _read_only: { deleted: true },
  name: 'Name',
  profile: { pvt_nested: 'kept', _also: 'kept' },
  pvt_type: 'thing',
  pvt_created: 1,
};

describe('publicView', () => {
  it('when a stored doc is shown, then top-level _* and pvt_* go, _read_only stays and id is added', () => {
    expect(publicView(stored)).toEqual({
      id: 'doc1',
      _read_only: { deleted: true },
      name: 'Name',
      profile: { pvt_nested: 'kept', _also: 'kept' },
    });
  });

  it('does not modify the stored doc', () => {
    const copy = structuredClone(stored);

    publicView(stored);

    expect(stored).toEqual(copy);
  });
});

describe('privateFields', () => {
  it('when a doc is replaced, then _id, _rev, _attachments and pvt_* are what is kept', () => {
    expect(privateFields(stored)).toEqual({
      _id: 'doc1',
      _rev: '2-abc',
      _attachments: { 'photo.png': { stub: true } },
      pvt_type: 'thing',
      pvt_created: 1,
    });
  });
});

describe('withoutPrivateKeys', () => {
  it('when a client sends _* and pvt_* keys, then they are removed at the top level only', () => {
    expect(
      withoutPrivateKeys({ _rev: '1', pvt_x: 1, name: 'n', nested: { pvt_y: 2 }, id: 'i' }),
    ).toEqual({ name: 'n', nested: { pvt_y: 2 }, id: 'i' });
  });
});

describe('deepMerge', () => {
  it('when objects nest, then they merge recursively', () => {
    expect(deepMerge({ a: { b: 1, c: { d: 2 } }, e: 3 }, { a: { c: { f: 4 } }, g: 5 })).toEqual({
      a: { b: 1, c: { d: 2, f: 4 } },
      e: 3,
      g: 5,
    });
  });

  it('when a patch value is null, then the key is deleted, nested too', () => {
    expect(deepMerge({ a: 1, b: { c: 2, d: 3 } }, { a: null, b: { c: null } })).toEqual({
      b: { d: 3 },
    });
  });

  it('when a patch value is an array, then it replaces the stored array', () => {
    expect(deepMerge({ stuff: ['a', 'b', 'c'] }, { stuff: ['z'] })).toEqual({ stuff: ['z'] });
  });

  it('when a scalar meets an object, then the patch value replaces it either way', () => {
    expect(deepMerge({ a: 'x', b: { c: 1 } }, { a: { y: 1 }, b: 'z' })).toEqual({
      a: { y: 1 },
      b: 'z',
    });
  });

  it('modifies neither input', () => {
    const base = { a: { b: 1 }, list: [1, 2], gone: 1 };
    const patch = { a: { c: 2 }, list: [3], gone: null };
    const baseCopy = structuredClone(base);
    const patchCopy = structuredClone(patch);

    const merged = deepMerge(base, patch);

    expect(base).toEqual(baseCopy);
    expect(patch).toEqual(patchCopy);
    expect(merged).toEqual({ a: { b: 1, c: 2 }, list: [3] });
  });
});

describe('gregorianNow', () => {
  it('when given a Unix time in ms, then it returns whole seconds plus 62167219200', () => {
    expect(GREGORIAN_OFFSET_S).toBe(62_167_219_200);
    expect(gregorianNow(0)).toBe(62_167_219_200);
    expect(gregorianNow(1_700_000_000_999)).toBe(1_700_000_000 + 62_167_219_200);
  });

  it('when called without a time, then it is the current Gregorian second', () => {
    const before = Math.floor(Date.now() / 1000) + 62_167_219_200;
    const now = gregorianNow();
    const after = Math.floor(Date.now() / 1000) + 62_167_219_200;

    expect(Number.isInteger(now)).toBe(true);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });
});

describe('stampPrivateFields', () => {
  const stamp = {
    type: 'thing',
    accountId: 'a'.repeat(32),
    accountDb: 'account%2Faa%2Faa%2F' + 'a'.repeat(28),
    requestId: 'req-1',
    authAccountId: 'b'.repeat(32),
    authUserId: 'c'.repeat(32),
  };

  it('when a doc is created, then every private field of core.md §14.3 is stamped', () => {
    const doc = stampPrivateFields({ _id: 'x', name: 'My Thing-1!' }, stamp, true, 63_000_000_000);

    expect(doc).toEqual({
      _id: 'x',
      name: 'My Thing-1!',
      pvt_type: 'thing',
      pvt_vsn: '1',
      pvt_account_id: stamp.accountId,
      pvt_account_db: stamp.accountDb,
      pvt_created: 63_000_000_000,
      pvt_modified: 63_000_000_000,
      pvt_request_id: 'req-1',
      pvt_is_authenticated: true,
      pvt_auth_account_id: stamp.authAccountId,
      pvt_auth_user_id: stamp.authUserId,
      pvt_alphanum_name: 'mything1',
    });
  });

  it('when an existing doc is saved, then pvt_created is kept and pvt_modified refreshed', () => {
    const existing: StoredDoc = {
      _id: 'x',
      _rev: '1-a',
      pvt_created: 63_000_000_000,
      pvt_modified: 63_000_000_000,
      pvt_vsn: '2',
      pvt_account_id: 'other',
      pvt_account_db: 'other-db',
    };

    const doc = stampPrivateFields(existing, stamp, false, 63_000_000_500);

    expect(doc).toMatchObject({
      pvt_created: 63_000_000_000,
      pvt_modified: 63_000_000_500,
      pvt_vsn: '2',
      pvt_account_id: 'other',
      pvt_account_db: 'other-db',
    });
  });

  it('when no token was used, then pvt_is_authenticated is false and no auth ids are set', () => {
    const doc = stampPrivateFields({ _id: 'x' }, { type: 'user' }, true, 63_000_000_000);

    expect(doc.pvt_is_authenticated).toBe(false);
    expect(doc).not.toHaveProperty('pvt_auth_account_id');
    expect(doc).not.toHaveProperty('pvt_auth_user_id');
    expect(doc).not.toHaveProperty('pvt_alphanum_name');
  });

  it('does not modify the doc given', () => {
    const doc: StoredDoc = { _id: 'x', name: 'n' };

    stampPrivateFields(doc, stamp, true);

    expect(doc).toEqual({ _id: 'x', name: 'n' });
  });
});

describe('alphanumName', () => {
  it.each([
    ['My Account', 'myaccount'],
    ['ACME, Inc.', 'acmeinc'],
    ['a-b_c.d 9', 'abcd9'],
  ])('when the name is %p, then the key is %p', (name, key) => {
    expect(alphanumName(name)).toBe(key);
  });
});
