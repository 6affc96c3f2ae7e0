/**
 * Where an entries page starts (spec lists.md §3.6, core.md §9): our encoded keys, plain keys,
 * and crafted keys that must not leave the list's range.
 */
import { entriesStart } from '../../../../src/modules/lists/entries';

const L = 'list0001';

describe('entriesStart', () => {
  it('when there is no start key, then the page starts at the top', () => {
    expect(entriesStart(L, undefined)).toBeUndefined();
  });

  it('when the key is our view key [L, id], then it is used as is', () => {
    expect(entriesStart(L, { key: [L, 'e-050'], docId: 'e-050' })).toEqual({ key: [L, 'e-050'] });
  });

  it('when the key is a legacy row key [L, L, k], then it is used as is', () => {
    expect(entriesStart(L, { key: [L, L, 'k'], docId: L })).toEqual({ key: [L, L, 'k'] });
  });

  it('when the key is the list id with a doc id, then the page starts at that doc', () => {
    expect(entriesStart(L, { key: L, docId: 'e-7' })).toEqual({ key: [L, 'e-7'] });
  });

  it('when the key is the list id alone (4.3 style), then the page starts at the top', () => {
    expect(entriesStart(L, { key: L })).toBeUndefined();
  });

  it('when the key is a plain entry id, then the page starts at that entry', () => {
    expect(entriesStart(L, { key: 'e-9' })).toEqual({ key: [L, 'e-9'] });
  });

  it.each([
    ['another list key', ['other', 'e-1']],
    ['a key before every list', ['0']],
    ['a number', 5],
    ['an object', { k: 1 }],
    ['an empty string', ''],
  ])('when the key is %s, then the page starts at the top of L', (_what, key) => {
    expect(entriesStart(L, { key })).toBeUndefined();
  });
});
