import { mediaType } from './body';

/** What every crossbar endpoint answers unless it says otherwise: JSON, or CSV on request (core.md §13.1). */
export const DEFAULT_PRODUCES: readonly string[] = ['application/json', 'text/csv'];

/** Names clients use for the same thing. */
const ALIASES: Record<string, string> = {
  'application/x-json': 'application/json',
  'text/comma-separated-values': 'text/csv',
};

interface Range {
  type: string;
  q: number;
  order: number;
}

function parseAccept(accept: string): Range[] {
  return accept
    .split(',')
    .map((part, order) => {
      const q = /;\s*q=([0-9.]+)/i.exec(part)?.[1];
      const type = mediaType(part);
      return { type: ALIASES[type] ?? type, q: q === undefined ? 1 : Number(q), order };
    })
    .filter((range) => range.type !== '' && range.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
}

/**
 * The media type to answer with: the first of `produced` that the client's most preferred
 * `Accept` range allows. No `Accept` → the endpoint's first type; nothing acceptable → undefined.
 */
export function negotiate(accept: string, produced: readonly string[]): string | undefined {
  if (accept.trim() === '') return produced[0];
  for (const range of parseAccept(accept)) {
    if (range.type === '*/*' || range.type === '*') return produced[0];
    if (range.type.endsWith('/*')) {
      const prefix = range.type.slice(0, -1);
      const match = produced.find((type) => type.startsWith(prefix));
      if (match) return match;
    } else if (produced.includes(range.type)) {
      return range.type;
    }
  }
  return undefined;
}
