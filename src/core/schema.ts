import { z } from 'zod';
import { isPlainObject, withoutPrivateKeys, type JsonObject } from './documents';
import { fromZod, validationError } from './errors';

/**
 * A string whose length is counted in Unicode code points, as kazoo_schemas counts it
 * (zod's own min/max count UTF-16 units).
 */
export function text(min: number, max: number) {
  return z.string().superRefine((value, ctx) => {
    const length = [...value].length;
    if (length < min) {
      ctx.addIssue({
        code: 'too_small',
        origin: 'string',
        minimum: min,
        inclusive: true,
        input: value,
      });
    } else if (length > max) {
      ctx.addIssue({
        code: 'too_big',
        origin: 'string',
        maximum: max,
        inclusive: true,
        input: value,
      });
    }
  });
}

/** Client-chosen document ids (core.md §14.2: safe ids only, never `_design/…`). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Validates the public part of request data against a module schema (`cb_context:validate_request_data`):
 * private keys and `id` are dropped first, schema defaults are written in, unknown keys kept.
 */
export function parsePublicData<S extends z.ZodType>(
  schema: S,
  data: unknown,
): z.infer<S> & JsonObject {
  if (!isPlainObject(data)) {
    throw validationError({
      data: {
        type: { message: 'Value did not match type(s): object', target: 'object', value: data },
      },
    });
  }
  const { id: _id, ...rest } = withoutPrivateKeys(data);
  const parsed = schema.safeParse(rest);
  if (!parsed.success) throw fromZod(parsed.error, rest);
  return parsed.data as z.infer<S> & JsonObject;
}

/** kazoo_schemas' lenient mode: "true"/"false" are stored as booleans. */
export function lenientBoolean() {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const lower = value.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : value;
  }, z.boolean());
}

/**
 * A JSON-schema `integer`, lenient as kazoo_schemas is ("5" is stored as 5); failures report
 * type `integer` (zod alone would say `number`).
 */
export function integer() {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value),
    z.custom<number>((value) => typeof value === 'number' && Number.isSafeInteger(value), {
      message: 'Value did not match type(s): integer',
      params: { keyword: 'type', target: 'integer' },
    }),
  );
}
