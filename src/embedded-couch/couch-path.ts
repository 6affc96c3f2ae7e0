/**
 * What a CouchDB request path addresses, decided once so the compatibility layer can apply
 * its rules (auth, name validation, unsupported features) before express-pouchdb sees it.
 *
 *   /                          → root
 *   /_all_dbs, /_up, …         → server endpoint
 *   /{db}                      → database
 *   /{db}/_all_docs, /_changes → database endpoint
 *   /{db}/{id}                 → document   (also /{db}/_design/{id}, /{db}/_local/{id})
 *   /{db}/_design/{id}/_view/… → design endpoint
 *   /{db}/{id}/{att…}          → attachment (also under _design/{id})
 */

/** CouchDB's own rule for database names (chttpd `?DBNAME_REGEX`). */
export const DB_NAME_PATTERN = /^[a-z][a-z0-9_$()+/-]*$/;

/** System databases CouchDB accepts despite the leading underscore. */
export const SYSTEM_DB_NAMES: ReadonlySet<string> = new Set([
  '_users',
  '_replicator',
  '_global_changes',
]);

export type CouchRoute =
  | { kind: 'root' }
  | { kind: 'server'; endpoint: string; rest: string[] }
  | { kind: 'database'; db: string }
  | { kind: 'db-endpoint'; db: string; endpoint: string; rest: string[] }
  | { kind: 'document'; db: string; docId: string }
  | { kind: 'design-endpoint'; db: string; docId: string; endpoint: string; rest: string[] }
  | { kind: 'attachment'; db: string; docId: string; attachment: string };

/** Thrown for a path whose percent-encoding does not decode. */
export class BadPathError extends Error {}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (err) {
    throw new BadPathError(`invalid percent-encoding in path segment '${raw}'`, { cause: err });
  }
}

/**
 * Classifies a raw (still percent-encoded) request path. Segments are split on literal `/`
 * first and decoded one by one, as CouchDB does: `account%2Fab%2Fcd` is one database name.
 */
export function parseCouchPath(rawPath: string): CouchRoute {
  const raw = rawPath.split('/').slice(1);
  // A trailing slash (`/db/`) addresses the same thing as `/db`.
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  const [first = '', ...restRaw] = raw;
  if (first === '') return { kind: 'root' };

  const db = decodeSegment(first);
  const rest = restRaw.map(decodeSegment);
  if (db.startsWith('_') && !SYSTEM_DB_NAMES.has(db)) return { kind: 'server', endpoint: db, rest };
  // `_design%2Fname` is the same document as `_design/name`.
  const special = /^(_design|_local)\/(.+)$/.exec(rest[0] ?? '');
  if (special?.[1] !== undefined && special[2] !== undefined)
    rest.splice(0, 1, special[1], special[2]);

  const [second, third, ...more] = rest;
  if (second === undefined) return { kind: 'database', db };

  if (second === '_design' || second === '_local') {
    if (third === undefined) return { kind: 'db-endpoint', db, endpoint: second, rest: [] };
    const docId = `${second}/${third}`;
    const [fourth, ...tail] = more;
    if (fourth === undefined) return { kind: 'document', db, docId };
    if (fourth.startsWith('_'))
      return { kind: 'design-endpoint', db, docId, endpoint: fourth, rest: tail };
    return { kind: 'attachment', db, docId, attachment: more.join('/') };
  }
  if (second.startsWith('_')) {
    return {
      kind: 'db-endpoint',
      db,
      endpoint: second,
      rest: third === undefined ? more : [third, ...more],
    };
  }
  if (third === undefined) return { kind: 'document', db, docId: second };
  return { kind: 'attachment', db, docId: second, attachment: [third, ...more].join('/') };
}

/**
 * Why a database name is refused, or `undefined` when it is acceptable.
 * On top of CouchDB's rule, names the embedded store cannot hold safely are refused: empty
 * path segments (`a//b`, `a/` map to the same folder as `a/b`, `a`), PouchDB's internal
 * registry databases (`pouch__…`), and `-mrview-` (PouchDB's naming for view indexes).
 */
export function checkDbName(name: string): string | undefined {
  if (SYSTEM_DB_NAMES.has(name)) return undefined;
  if (!DB_NAME_PATTERN.test(name)) {
    return (
      `Name: '${name}'. Only lowercase characters (a-z), digits (0-9), and any of the ` +
      'characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.'
    );
  }
  if (name.endsWith('/') || name.includes('//')) {
    return `Name: '${name}'. Empty path segments are not supported by the embedded server.`;
  }
  if (name.startsWith('pouch__') || name.includes('-mrview-')) {
    return `Name: '${name}'. The name is reserved by the embedded server.`;
  }
  return undefined;
}
