import { stringify } from 'csv-stringify/sync';
import { isPlainObject, type JsonObject } from './documents';

/** Nested objects become dotted columns; arrays and other non-strings are JSON (core.md §13.1). */
export function flatten(
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

/** A row as CSV sees it: dotted column → text. */
export type FlatRow = Record<string, string>;

/** The columns of a table, in first-seen order, gathered a batch of flattened rows at a time. */
export class CsvColumns {
  private readonly seen = new Set<string>();

  add(rows: readonly FlatRow[]): void {
    for (const row of rows) for (const column of Object.keys(row)) this.seen.add(column);
  }

  get list(): string[] {
    return [...this.seen];
  }
}

/**
 * RFC 4180 lines of `rows` under `columns` (CRLF line ends), led by the header row when
 * `withHeader`: a whole table, or one batch of a streamed one.
 */
export function csvLines(columns: string[], rows: readonly FlatRow[], withHeader: boolean): string {
  if (columns.length === 0) return '';
  return stringify(
    rows.map((row) => columns.map((column) => row[column] ?? '')),
    { header: withHeader, columns, record_delimiter: '\r\n', quoted_match: /[\r\n]/ },
  );
}

/** A whole table: a header row of every column in first-seen order, then the rows. */
export function toCsv(data: JsonObject | JsonObject[]): string {
  const rows = (Array.isArray(data) ? data : [data]).map((row) => flatten(row));
  const columns = new CsvColumns();
  columns.add(rows);
  return csvLines(columns.list, rows, true);
}
