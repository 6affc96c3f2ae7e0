import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from './documents';

/** A query-string filter (`crossbar_filter`) as a predicate over the stored document. */
export type Filter = (doc: Record<string, unknown>) => boolean;

const ABSENT = Symbol('absent');

/** The value at a dotted path, or ABSENT. */
function valueAt(doc: unknown, path: string): unknown {
  let here: unknown = doc;
  for (const key of path.split('.')) {
    if (Array.isArray(here) && /^\d+$/.test(key)) here = here[Number(key)];
    else if (isPlainObject(here) && Object.hasOwn(here, key)) here = here[key];
    else return ABSENT;
    if (here === undefined) return ABSENT;
  }
  return here;
}

function render(value: unknown): string {
  if (value === ABSENT || value === null) return value === null ? 'null' : '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // Not JSON: the filter compares the plain string only.
    return { ok: false };
  }
}

/** `filter_<path>=<v>`: string equality, JSON equality, or membership when `<v>` is a JSON array. */
export function matchesValue(stored: unknown, wanted: string): boolean {
  if (render(stored) === wanted) return true;
  const parsed = parseJson(wanted);
  if (!parsed.ok) return false;
  if (Array.isArray(parsed.value)) {
    return parsed.value.some(
      (member) =>
        isDeepStrictEqual(member, stored) ||
        (typeof member === 'string' && member === render(stored)),
    );
  }
  return stored !== ABSENT && isDeepStrictEqual(parsed.value, stored);
}

function isEmpty(value: unknown): boolean {
  if (value === ABSENT || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function timeBound(
  field: 'pvt_created' | 'pvt_modified',
  bound: string,
  isLower: boolean,
): Filter | undefined {
  const limit = Number(bound);
  if (!Number.isFinite(limit)) return () => false;
  return (doc) => {
    const time = doc[field];
    if (typeof time !== 'number') return false;
    return isLower ? time >= limit : time <= limit;
  };
}

/** Every filter named in the query string; none → an empty list (no doc loading needed). */
export function parseFilters(query: Readonly<Record<string, string>>): Filter[] {
  const filters: Filter[] = [];
  for (const [key, wanted] of Object.entries(query)) {
    let filter: Filter | undefined;
    if (key.startsWith('filter_not_')) {
      const path = key.slice('filter_not_'.length);
      filter = (doc) => !matchesValue(valueAt(doc, path), wanted);
    } else if (key.startsWith('filter_')) {
      const path = key.slice('filter_'.length);
      filter = (doc) => matchesValue(valueAt(doc, path), wanted);
    } else if (key === 'has_key') {
      filter = (doc) => valueAt(doc, wanted) !== ABSENT;
    } else if (key === 'key_missing') {
      filter = (doc) => valueAt(doc, wanted) === ABSENT;
    } else if (key === 'has_value') {
      filter = (doc) => !isEmpty(valueAt(doc, wanted));
    } else if (key === 'value_missing' || key === 'missing_value') {
      filter = (doc) => isEmpty(valueAt(doc, wanted));
    } else if (key === 'created_from' || key === 'created_to') {
      filter = timeBound('pvt_created', wanted, key === 'created_from');
    } else if (key === 'modified_from' || key === 'modified_to') {
      filter = timeBound('pvt_modified', wanted, key === 'modified_from');
    }
    if (filter) filters.push(safely(filter));
  }
  return filters;
}

/** A filter that throws excludes the row (crossbar_filter catches and drops). */
function safely(filter: Filter): Filter {
  return (doc) => {
    try {
      return filter(doc);
    } catch {
      return false;
    }
  };
}
