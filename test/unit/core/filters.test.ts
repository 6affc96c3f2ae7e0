import { matchesValue, parseFilters } from '../../../src/core/filters';

type Doc = Record<string, unknown>;

const docs: Record<string, Doc> = {
  alice: {
    _id: 'alice',
    name: 'alice',
    count: 5,
    enabled: true,
    tags: ['a', 'b'],
    profile: { title: 'Dr', address: { city: 'Oslo' } },
    notes: '',
    pvt_type: 'thing',
    pvt_created: 100,
    pvt_modified: 200,
  },
  bob: {
    _id: 'bob',
    name: 'bob',
    count: 7,
    enabled: false,
    tags: [],
    profile: {},
    notes: null,
    pvt_type: 'thing',
    pvt_created: 150,
    pvt_modified: 250,
  },
  carol: {
    _id: 'carol',
    count: '5',
    profile: { title: 'Ms' },
    notes: 'x',
    pvt_type: 'other',
    pvt_created: 200,
    pvt_modified: 300,
  },
};

/** Ids of the docs every filter in `query` keeps. */
function kept(query: Record<string, string>): string[] {
  const filters = parseFilters(query);
  return Object.values(docs)
    .filter((doc) => filters.every((filter) => filter(doc)))
    .map((doc) => String(doc._id));
}

describe('parseFilters', () => {
  it('when no query key is a filter key, then there are no filters', () => {
    expect(parseFilters({ _: '1700000000000', page_size: '5', name: 'x' })).toEqual([]);
  });

  it('when filter_<key> names a value, then rows whose value renders equal are kept', () => {
    expect(kept({ filter_name: 'bob' })).toEqual(['bob']);
  });

  it('when filter_<key> names a number, then numbers and numeric strings both match', () => {
    expect(kept({ filter_count: '5' })).toEqual(['alice', 'carol']);
  });

  it('when filter_<key> names a boolean, then the boolean value matches', () => {
    expect(kept({ filter_enabled: 'true' })).toEqual(['alice']);
  });

  it('when filter_<key> is a JSON array, then a row whose value is a member is kept', () => {
    expect(kept({ filter_name: '["alice","carol","bob"]' })).toEqual(['alice', 'bob']);
  });

  it('when filter_<key> is JSON equal to an array value, then the row is kept', () => {
    expect(kept({ filter_tags: '["a","b"]' })).toEqual(['alice']);
  });

  it('when the key is missing, then it compares as an empty string', () => {
    expect(kept({ filter_name: '' })).toEqual(['carol']);
  });

  it('when the path is nested, then filter_a.b.c tests the nested value', () => {
    expect(kept({ 'filter_profile.address.city': 'Oslo' })).toEqual(['alice']);
    expect(kept({ 'filter_profile.title': 'Ms' })).toEqual(['carol']);
  });

  it('when filter_not_<key> is given, then the rows that would match are dropped', () => {
    expect(kept({ filter_not_name: 'bob' })).toEqual(['alice', 'carol']);
  });

  it('when filter_not_<key> names a missing nested key with "", then only rows holding a value remain', () => {
    expect(kept({ 'filter_not_profile.title': '' })).toEqual(['alice', 'carol']);
  });

  it('when a private field is filtered, then it is tested on the stored doc', () => {
    expect(kept({ filter_pvt_type: 'other' })).toEqual(['carol']);
  });

  it('when has_key names a path, then rows where it exists are kept (even if empty)', () => {
    expect(kept({ has_key: 'notes' })).toEqual(['alice', 'bob', 'carol']);
    expect(kept({ has_key: 'profile.title' })).toEqual(['alice', 'carol']);
  });

  it('when key_missing names a path, then rows without it are kept', () => {
    expect(kept({ key_missing: 'name' })).toEqual(['carol']);
    expect(kept({ key_missing: 'profile.address' })).toEqual(['bob', 'carol']);
  });

  it('when has_value names a path, then "", [], {} and null count as empty', () => {
    expect(kept({ has_value: 'notes' })).toEqual(['carol']);
    expect(kept({ has_value: 'tags' })).toEqual(['alice']);
    expect(kept({ has_value: 'profile' })).toEqual(['alice', 'carol']);
  });

  it('when value_missing names a path, then rows where it is absent or empty are kept', () => {
    expect(kept({ value_missing: 'notes' })).toEqual(['alice', 'bob']);
    expect(kept({ value_missing: 'tags' })).toEqual(['bob', 'carol']);
    expect(kept({ value_missing: 'profile' })).toEqual(['bob']);
  });

  it('when missing_value is used, then it is an alias of value_missing', () => {
    expect(kept({ missing_value: 'notes' })).toEqual(['alice', 'bob']);
  });

  it('when created_from and created_to are given, then both bounds are inclusive', () => {
    expect(kept({ created_from: '150' })).toEqual(['bob', 'carol']);
    expect(kept({ created_to: '150' })).toEqual(['alice', 'bob']);
    expect(kept({ created_from: '150', created_to: '150' })).toEqual(['bob']);
  });

  it('when modified_from and modified_to are given, then both bounds are inclusive', () => {
    expect(kept({ modified_from: '250' })).toEqual(['bob', 'carol']);
    expect(kept({ modified_to: '250' })).toEqual(['alice', 'bob']);
  });

  it('when a time bound is not a number, then no row is kept', () => {
    expect(kept({ created_from: 'yesterday' })).toEqual([]);
  });

  it('when several filters are given, then they AND together', () => {
    expect(kept({ filter_count: '5', has_key: 'name' })).toEqual(['alice']);
  });
});

describe('matchesValue', () => {
  it('when the wanted value is JSON equal to an object, then it matches', () => {
    expect(matchesValue({ a: 1 }, '{"a":1}')).toBe(true);
    expect(matchesValue({ a: 1 }, '{"a":2}')).toBe(false);
  });
});
