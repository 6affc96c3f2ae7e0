import { z } from 'zod';
import { ApiError, fromZod } from '../../../src/core/errors';
import { integer, lenientBoolean, parsePublicData, text } from '../../../src/core/schema';

/** The error `parsePublicData` throws, as crossbar renders it. */
function thrownBy(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err.toJSON();
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('text', () => {
  const emoji = '\u{1F600}';

  it('when a name has 32 emoji, then it passes max 32 although its UTF-16 length is 64', () => {
    const name = emoji.repeat(32);

    expect(name).toHaveLength(64);
    expect(text(1, 32).safeParse(name)).toEqual({ success: true, data: name });
  });

  it('when a name has 33 emoji, then maxLength 32 fails with the value', () => {
    const name = emoji.repeat(33);
    const schema = z.object({ name: text(1, 32) });

    expect(thrownBy(() => parsePublicData(schema, { name })).data).toEqual({
      name: {
        maxLength: {
          message: 'String must not be more than 32 characters',
          target: 32,
          value: name,
        },
      },
    });
  });

  it('when a string of 2 emoji meets min 3, then minLength fails (code points, not UTF-16 units)', () => {
    const value = emoji.repeat(2);
    const schema = z.object({ name: text(3, 10) });

    expect(thrownBy(() => parsePublicData(schema, { name: value })).data).toEqual({
      name: {
        minLength: { message: 'String must be at least 3 characters', target: 3, value },
      },
    });
  });

  it('when the length is exactly min or max, then it passes', () => {
    expect(text(2, 3).safeParse('ab').success).toBe(true);
    expect(text(2, 3).safeParse('abc').success).toBe(true);
  });

  it('when the value is not a string, then it fails', () => {
    expect(text(1, 3).safeParse(5).success).toBe(false);
  });
});

describe('lenientBoolean', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['False', false],
    [true, true],
    [false, false],
  ])('when given %p, then it parses to %p', (input, expected) => {
    expect(lenientBoolean().safeParse(input)).toEqual({ success: true, data: expected });
  });

  it('when given a string that is not a boolean, then type boolean fails', () => {
    const schema = z.object({ enabled: lenientBoolean() });

    expect(thrownBy(() => parsePublicData(schema, { enabled: 'yes' })).data).toEqual({
      enabled: {
        type: { message: 'Value did not match type(s): boolean', target: 'boolean', value: 'yes' },
      },
    });
  });
});

describe('parsePublicData', () => {
  const schema = z.looseObject({ name: z.string(), stuff: z.array(z.string()).default([]) });

  it('when data carries private keys and id, then they are dropped before validation', () => {
    const parsed = parsePublicData(schema, {
      name: 'x',
      id: 'abc',
      _rev: '1-a',
      pvt_type: 'thing',
      extra: 1,
    });

    expect(parsed).toEqual({ name: 'x', stuff: [], extra: 1 });
  });

  it('when data is not an object, then 400 data.type', () => {
    expect(thrownBy(() => parsePublicData(schema, ['x']))).toEqual({
      status: 'error',
      error: '400',
      message: 'validation error',
      data: {
        data: {
          type: { message: 'Value did not match type(s): object', target: 'object', value: ['x'] },
        },
      },
    });
  });

  it('when only a private key holds a required field, then it is still required', () => {
    expect(thrownBy(() => parsePublicData(schema, { pvt_name: 'x' })).data).toEqual({
      name: { required: { message: 'Field is required but missing', value: 'name' } },
    });
  });
});

describe('integer', () => {
  const Schema = z.object({ count: integer().optional(), need: integer() });

  it('when given a numeric string, then it is stored as a number (lenient mode)', () => {
    expect(Schema.parse({ count: '5', need: -3 })).toEqual({ count: 5, need: -3 });
  });

  it('when missing and required, then the failure is required, not type', () => {
    const result = Schema.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error && fromZod(result.error, {}).data).toEqual({
      need: { required: { message: 'Field is required but missing', value: 'need' } },
    });
  });

  it('when given 2.5 or "2.5", then type integer', () => {
    const result = Schema.safeParse({ need: '2.5' });
    expect(result.error && fromZod(result.error, { need: '2.5' }).data).toEqual({
      need: {
        type: { message: 'Value did not match type(s): integer', target: 'integer', value: '2.5' },
      },
    });
  });
});
