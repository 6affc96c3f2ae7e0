/** The lists and list_entries schemas (spec lists.md §2) through parsePublicData. */
import { ApiError } from '../../../../src/core/errors';
import { parsePublicData } from '../../../../src/core/schema';
import { ListEntrySchema, ListSchema } from '../../../../src/modules/lists/lists.schema';

function errorsOf(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err.data;
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('ListSchema', () => {
  it('when name, description, org and extras are given, then all are kept', () => {
    const data = { name: 'n', description: 'd', org: 'o', list_type: 'phone_book', x: { y: 1 } };

    expect(parsePublicData(ListSchema, data)).toEqual(data);
  });

  it('when private keys and id are sent, then they are dropped before validation', () => {
    expect(parsePublicData(ListSchema, { name: 'n', id: 'x', pvt_type: 'y', _rev: '1' })).toEqual({
      name: 'n',
    });
  });

  it('when description has 129 code points, then description.maxLength', () => {
    const description = '漢'.repeat(129);

    expect(errorsOf(() => parsePublicData(ListSchema, { name: 'n', description }))).toEqual({
      description: {
        maxLength: {
          message: 'String must not be more than 128 characters',
          target: 128,
          value: description,
        },
      },
    });
  });
});

describe('ListEntrySchema', () => {
  it('when no profile is given, then the default {} is written in', () => {
    expect(parsePublicData(ListEntrySchema, { list_id: 'L', number: '1' })).toEqual({
      list_id: 'L',
      number: '1',
      profile: {},
    });
  });

  it('when list_id is missing, then list_id.required', () => {
    expect(errorsOf(() => parsePublicData(ListEntrySchema, { number: '1' }))).toEqual({
      list_id: { required: { message: 'Field is required but missing', value: 'list_id' } },
    });
  });

  it('when routing keys and legacy keys are given, then they pass as extras', () => {
    const data = {
      list_id: 'L',
      prefix: '44',
      regexp: '^1',
      capture_group_key: 'k',
      capture_group_length: 3,
      cid_name: 'n',
      cid_number: '1',
      profile: { nicknames: ['a'], 'sort-string': 's', custom: true },
    };

    expect(parsePublicData(ListEntrySchema, data)).toEqual(data);
  });

  it('when profile.nicknames is not an array of strings, then a type error at its path', () => {
    expect(
      errorsOf(() =>
        parsePublicData(ListEntrySchema, { list_id: 'L', profile: { nicknames: [1] } }),
      ),
    ).toEqual({
      'profile.nicknames.0': {
        type: { message: 'Value did not match type(s): string', target: 'string', value: 1 },
      },
    });
  });
});
