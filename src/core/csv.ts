import { stringify } from 'csv-stringify/sync';
import { isPlainObject, type JsonObject } from './documents';

/** Nested objects become dotted columns; arrays and other non-strings are JSON (core.md §13.1). */
function flatten(
  row: JsonObject,
  prefix = '',
  into: Record<string, string> = {},
): Record<string, string> {
  for (const [key, value] of Object.entries(row)) {
    const column = prefix + key;
    if (isPlainObject(value)) flatten(value, `${column}.`, into);
    else if (typeof value === 'string') into[column] = value;
    else if (value !== undefined) into[column] = JSON.stringify(value);
  }
  return into;
}

/** Whether a response's `data` can be a CSV table: an object, or an array of objects. */
export function isTabular(data: unknown): data is JsonObject | JsonObject[] {
  return isPlainObject(data) || (Array.isArray(data) && data.every(isPlainObject));
}

/** RFC 4180 text: a header row of every column in first-seen order, CRLF line ends. */
export function toCsv(data: JsonObject | JsonObject[]): string {
  const rows = (Array.isArray(data) ? data : [data]).map((row) => flatten(row));
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const column of Object.keys(row)) {
      if (!seen.has(column)) {
        seen.add(column);
        columns.push(column);
      }
    }
  }
  if (columns.length === 0) return '';
  return stringify(
    rows.map((row) => columns.map((column) => row[column] ?? '')),
    { header: true, columns, record_delimiter: '\r\n', quoted_match: /[\r\n]/ },
  );
}
