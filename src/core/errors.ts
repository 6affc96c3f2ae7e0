import type { z } from 'zod';

/**
 * crossbar's error catalogue (`cb_context:add_system_error`): the envelope `message` → HTTP status
 * and, where the data is `{message: …}`, its prose. Codes are KAZOO's words, spaces included.
 */
export const SYSTEM_ERRORS = {
  'validation error': { status: 400 },
  invalid_credentials: { status: 401, message: 'invalid credentials' },
  'invalid credentials': { status: 401 },
  forbidden: { status: 403, message: 'forbidden' },
  bad_identifier: { status: 404, message: 'bad identifier' },
  'bad identifier': { status: 404 },
  not_found: { status: 404, message: 'not found' },
  invalid_method: { status: 405, message: 'method not allowed' },
  not_acceptable: { status: 406, message: 'not acceptable' },
  datastore_conflict: { status: 409, message: 'conflicting documents' },
  precondition_failed: { status: 412, message: 'precondition failed' },
  unsupported_media_type: { status: 415, message: 'unsupported media type' },
  locked: { status: 423 },
  account_has_descendants: { status: 500, message: 'account has descendants' },
  unspecified_fault: { status: 500, message: 'unspecified fault' },
  datastore_fault: { status: 500, message: 'unknown failure' },
  not_implemented: { status: 501, message: 'not implemented' },
  datastore_unreachable: { status: 503, message: 'datastore timeout' },
  datastore_missing: { status: 503, message: 'data collection missing: database not found' },
  'datastore missing view': { status: 503 },
} as const satisfies Record<string, { status: number; message?: string }>;

export type ErrorCode = keyof typeof SYSTEM_ERRORS;

export interface ApiErrorOptions {
  status?: number;
  /** Replaces the catalogue's prose in `data.message`. */
  message?: string;
  /** `data.cause`: the id or value that was at fault. */
  cause?: unknown;
  /** The whole `data`, when the catalogue's `{message, cause}` shape does not fit. */
  data?: unknown;
}

/** The one error type: modules throw it, the envelope middleware renders it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly data: unknown;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    const entry: { status: number; message?: string } = SYSTEM_ERRORS[code];
    const prose = options.message ?? entry.message;
    super(prose ?? code);
    this.name = 'ApiError';
    this.code = code;
    this.status = options.status ?? entry.status;
    this.data = options.data ?? defaultData(prose, options.cause);
  }

  /** The part of the envelope that describes the error. */
  toJSON(): { status: 'error'; error: string; message: string; data: unknown } {
    return { status: 'error', error: String(this.status), message: this.code, data: this.data };
  }
}

function defaultData(prose: string | undefined, cause: unknown): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (cause !== undefined) data.cause = cause;
  if (prose !== undefined) data.message = prose;
  return data;
}

/** One failure of one JSON-schema keyword, as kazoo_schemas reports it. */
export type ValidationFailure = { message: string } & Record<string, unknown>;
/** `{"<dotted.path>": {"<keyword>": {message, …}}}` */
export type ValidationErrors = Record<string, Record<string, ValidationFailure>>;

/** 400 `validation error` with KAZOO's data shape. */
export function validationError(errors: ValidationErrors): ApiError {
  return new ApiError('validation error', { data: errors });
}

/** A single failed keyword at a path: `validationFailure('name', 'unique', {...})`. */
export function validationFailure(
  path: string,
  keyword: string,
  failure: ValidationFailure,
): ApiError {
  return validationError({ [path]: { [keyword]: failure } });
}

export const REQUIRED_MESSAGE = 'Field is required but missing';

/** Turns zod issues into kazoo_schemas' error object; `input` is what was validated. */
export function fromZod(error: z.ZodError, input: unknown): ApiError {
  const errors: ValidationErrors = {};
  for (const issue of error.issues) {
    const [keyword, failure] = describeIssue(issue, valueAt(input, issue.path));
    const key = issue.path.map((p) => String(p).replaceAll('.', '%2E')).join('.');
    errors[key] = { ...errors[key], [keyword]: failure };
  }
  return validationError(errors);
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, value: unknown): [string, ValidationFailure] {
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) {
        return ['required', { message: REQUIRED_MESSAGE, value: String(issue.path.at(-1)) }];
      }
      const target = schemaType(issue.expected);
      return ['type', { message: `Value did not match type(s): ${target}`, target, value }];
    }
    case 'too_small':
    case 'too_big':
      return describeBound(issue, value);
    case 'invalid_value':
      return [
        'enum',
        { message: 'Value not found in enumerated list of values', target: issue.values, value },
      ];
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue) {
        // zod renders the RegExp as `/…/flags`; JSON schema's pattern is the bare source.
        const pattern = String(issue.pattern).replace(/^\/(.*)\/[a-z]*$/s, '$1');
        return [
          'pattern',
          { message: `Failed to match pattern '${pattern}'`, target: pattern, value },
        ];
      }
      return [
        'format',
        { message: 'Field is not in the correct format', format: issue.format, value },
      ];
    case 'custom': {
      if (value === undefined) {
        return ['required', { message: REQUIRED_MESSAGE, value: String(issue.path.at(-1)) }];
      }
      // Our own checks name their keyword and extra keys in params (see core/schema.ts).
      const { keyword = 'format', ...extra } = (issue.params ?? {}) as Record<string, unknown>;
      return [String(keyword), { message: issue.message, ...extra, value }];
    }
    default:
      return ['format', { message: 'Field is not in the correct format', value }];
  }
}

function describeBound(
  issue: Extract<Issue, { code: 'too_small' | 'too_big' }>,
  value: unknown,
): [string, ValidationFailure] {
  const small = issue.code === 'too_small';
  const target = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'string':
      return small
        ? ['minLength', { message: `String must be at least ${target} characters`, target, value }]
        : [
            'maxLength',
            { message: `String must not be more than ${target} characters`, target, value },
          ];
    case 'array':
    case 'set':
      return small
        ? ['minItems', { message: `The list must have at least ${target} items`, target, value }]
        : ['maxItems', { message: `The list is more than ${target} items`, target, value }];
    default:
      return small
        ? ['minimum', { message: `Value must be at least ${target}`, target, value }]
        : ['maximum', { message: `Value must be at most ${target}`, target, value }];
  }
}

const ZOD_TO_SCHEMA_TYPE: Record<string, string> = { int: 'integer', nan: 'number' };

function schemaType(expected: string): string {
  return ZOD_TO_SCHEMA_TYPE[expected] ?? expected;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let here = input;
  for (const key of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}
