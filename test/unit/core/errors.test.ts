import { z } from 'zod';
import { ApiError, fromZod, validationFailure, type ErrorCode } from '../../../src/core/errors';
import { integer } from '../../../src/core/schema';

/** The failure `schema` reports for `input`, rendered as crossbar renders it. */
function failureOf(schema: z.ZodType, input: unknown) {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('the input was expected to fail validation');
  return fromZod(parsed.error, input).toJSON();
}

function validation(data: unknown) {
  return { status: 'error', error: '400', message: 'validation error', data };
}

describe('ApiError', () => {
  // core.md §4.2: status and data of each catalogue entry when thrown without options.
  const catalogue: Array<[ErrorCode, number, unknown]> = [
    ['validation error', 400, {}],
    ['invalid_credentials', 401, { message: 'invalid credentials' }],
    ['invalid credentials', 401, {}],
    ['forbidden', 403, { message: 'forbidden' }],
    ['bad_identifier', 404, { message: 'bad identifier' }],
    ['bad identifier', 404, {}],
    ['not_found', 404, { message: 'not found' }],
    ['invalid_method', 405, { message: 'method not allowed' }],
    ['not_acceptable', 406, { message: 'not acceptable' }],
    ['datastore_conflict', 409, { message: 'conflicting documents' }],
    ['precondition_failed', 412, { message: 'precondition failed' }],
    ['unsupported_media_type', 415, { message: 'unsupported media type' }],
    ['locked', 423, {}],
    ['account_has_descendants', 500, { message: 'account has descendants' }],
    ['unspecified_fault', 500, { message: 'unspecified fault' }],
    ['datastore_fault', 500, { message: 'unknown failure' }],
    ['not_implemented', 501, { message: 'not implemented' }],
    ['datastore_unreachable', 503, { message: 'datastore timeout' }],
    ['datastore_missing', 503, { message: 'data collection missing: database not found' }],
    ['datastore missing view', 503, {}],
  ];

  it.each(catalogue)(
    'when %s is thrown without options, then toJSON gives status %i and the catalogue data',
    (code, status, data) => {
      const error = new ApiError(code);

      expect(error.status).toBe(status);
      expect(error.toJSON()).toEqual({
        status: 'error',
        error: String(status),
        message: code,
        data,
      });
    },
  );

  it('when a cause is given, then data carries the cause beside the prose', () => {
    const error = new ApiError('bad_identifier', { cause: 'abc' });

    expect(error.toJSON()).toEqual({
      status: 'error',
      error: '404',
      message: 'bad_identifier',
      data: { cause: 'abc', message: 'bad identifier' },
    });
  });

  it('when data is given, then it replaces the catalogue data whole', () => {
    const error = new ApiError('bad identifier', { data: ['key'] });

    expect(error.toJSON()).toEqual({
      status: 'error',
      error: '404',
      message: 'bad identifier',
      data: ['key'],
    });
  });

  it('when a status is given, then it overrides the catalogue status and error is its string', () => {
    const error = new ApiError('validation error', { status: 413, data: { file: {} } });

    expect(error.status).toBe(413);
    expect(error.toJSON().error).toBe('413');
  });

  it('when a message is given, then it replaces the prose in data.message', () => {
    const error = new ApiError('not_found', { message: 'nothing here' });

    expect(error.toJSON().data).toEqual({ message: 'nothing here' });
  });

  it('is an Error whose message is the prose', () => {
    const error = new ApiError('forbidden');

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('forbidden');
  });
});

describe('validationFailure', () => {
  it('when a server check fails, then 400 with data path → keyword → failure', () => {
    const error = validationFailure('name', 'unique', {
      message: 'Account name already in use',
      cause: 'x',
    });

    expect(error.status).toBe(400);
    expect(error.toJSON()).toEqual(
      validation({ name: { unique: { message: 'Account name already in use', cause: 'x' } } }),
    );
  });
});

describe('fromZod', () => {
  it('when a property is missing, then required with the property name as value', () => {
    expect(failureOf(z.object({ name: z.string() }), {})).toEqual(
      validation({
        name: { required: { message: 'Field is required but missing', value: 'name' } },
      }),
    );
  });

  it('when a string is too short, then minLength with target and value', () => {
    expect(failureOf(z.object({ name: z.string().min(3) }), { name: 'ab' })).toEqual(
      validation({
        name: {
          minLength: { message: 'String must be at least 3 characters', target: 3, value: 'ab' },
        },
      }),
    );
  });

  it('when a string is too long, then maxLength with target and value', () => {
    expect(failureOf(z.object({ name: z.string().max(2) }), { name: 'abc' })).toEqual(
      validation({
        name: {
          maxLength: {
            message: 'String must not be more than 2 characters',
            target: 2,
            value: 'abc',
          },
        },
      }),
    );
  });

  it('when the type is wrong, then type with the JSON-schema type as target', () => {
    expect(failureOf(z.object({ name: z.string() }), { name: 5 })).toEqual(
      validation({
        name: {
          type: { message: 'Value did not match type(s): string', target: 'string', value: 5 },
        },
      }),
    );
  });

  it('when a value is null for a string, then type (not required) with value null', () => {
    expect(failureOf(z.object({ name: z.string() }), { name: null })).toEqual(
      validation({
        name: {
          type: { message: 'Value did not match type(s): string', target: 'string', value: null },
        },
      }),
    );
  });

  it('when an integer property gets a non-integer number, then type with target integer', () => {
    expect(failureOf(z.object({ count: z.int() }), { count: 2.5 })).toEqual(
      validation({
        count: {
          type: { message: 'Value did not match type(s): integer', target: 'integer', value: 2.5 },
        },
      }),
    );
  });

  it('when a schema integer() gets a non-numeric string, then type with target integer', () => {
    // zod's own z.int() says "number" for strings; schemas use core/schema's integer().
    expect(failureOf(z.object({ count: integer() }), { count: 'x' })).toEqual(
      validation({
        count: {
          type: { message: 'Value did not match type(s): integer', target: 'integer', value: 'x' },
        },
      }),
    );
  });

  it('when a value is not in the enum, then enum with the list as target', () => {
    expect(failureOf(z.object({ level: z.enum(['admin', 'user']) }), { level: 'root' })).toEqual(
      validation({
        level: {
          enum: {
            message: 'Value not found in enumerated list of values',
            target: ['admin', 'user'],
            value: 'root',
          },
        },
      }),
    );
  });

  it('when a pattern fails, then pattern with the JSON-schema pattern (no slashes) as target', () => {
    expect(failureOf(z.object({ realm: z.string().regex(/^a+$/) }), { realm: 'b' })).toEqual(
      validation({
        realm: {
          pattern: { message: "Failed to match pattern '^a+$'", target: '^a+$', value: 'b' },
        },
      }),
    );
  });

  it('when a number is below the minimum, then minimum with target and value', () => {
    expect(failureOf(z.object({ size: z.number().min(5) }), { size: 3 })).toEqual(
      validation({
        size: { minimum: { message: 'Value must be at least 5', target: 5, value: 3 } },
      }),
    );
  });

  it('when a number is above the maximum, then maximum with target and value', () => {
    expect(failureOf(z.object({ size: z.number().max(5) }), { size: 7 })).toEqual(
      validation({
        size: { maximum: { message: 'Value must be at most 5', target: 5, value: 7 } },
      }),
    );
  });

  it('when a list has too few items, then minItems with target and value', () => {
    expect(failureOf(z.object({ stuff: z.array(z.string()).min(1) }), { stuff: [] })).toEqual(
      validation({
        stuff: {
          minItems: { message: 'The list must have at least 1 items', target: 1, value: [] },
        },
      }),
    );
  });

  it('when a list has too many items, then maxItems with target and value', () => {
    expect(
      failureOf(z.object({ stuff: z.array(z.string()).max(1) }), { stuff: ['a', 'b'] }),
    ).toEqual(
      validation({
        stuff: {
          maxItems: { message: 'The list is more than 1 items', target: 1, value: ['a', 'b'] },
        },
      }),
    );
  });

  it('when an array item fails, then the path is joined with dots: stuff.1', () => {
    expect(failureOf(z.object({ stuff: z.array(z.string()) }), { stuff: ['a', 5] })).toEqual(
      validation({
        'stuff.1': {
          type: { message: 'Value did not match type(s): string', target: 'string', value: 5 },
        },
      }),
    );
  });

  it('when a nested property is missing, then its dotted path is the key', () => {
    expect(
      failureOf(z.object({ profile: z.object({ title: z.string() }) }), { profile: {} }),
    ).toEqual(
      validation({
        'profile.title': { required: { message: 'Field is required but missing', value: 'title' } },
      }),
    );
  });

  it('when a key contains a dot, then the dot is written %2E in the path', () => {
    expect(failureOf(z.looseObject({ 'a.b': z.string() }), {})).toEqual(
      validation({
        'a%2Eb': { required: { message: 'Field is required but missing', value: 'a.b' } },
      }),
    );
  });

  it('when several properties fail, then every failure is merged into one data object', () => {
    const schema = z.object({ name: z.string(), level: z.enum(['a']), stuff: z.array(z.string()) });

    expect(failureOf(schema, { level: 'b', stuff: 'x' })).toEqual(
      validation({
        name: { required: { message: 'Field is required but missing', value: 'name' } },
        level: {
          enum: {
            message: 'Value not found in enumerated list of values',
            target: ['a'],
            value: 'b',
          },
        },
        stuff: {
          type: { message: 'Value did not match type(s): array', target: 'array', value: 'x' },
        },
      }),
    );
  });

  it('when one property fails two keywords, then both keywords sit under its path', () => {
    const schema = z.object({ realm: z.string().min(4).regex(/^a+$/) });

    expect(failureOf(schema, { realm: 'b' })).toEqual(
      validation({
        realm: {
          minLength: { message: 'String must be at least 4 characters', target: 4, value: 'b' },
          // The pattern's own wording is asserted above; here only that both keywords are kept.
          pattern: expect.objectContaining({ value: 'b' }),
        },
      }),
    );
  });
});
