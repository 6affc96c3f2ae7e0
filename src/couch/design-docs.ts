import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { Db, StoredDoc } from './client';
import { findDoc, isCouchStatus, toApiError } from './docs';

/** Which set of design documents a database gets: `couch-views/<class>/*.json`. */
export type DbClass = 'account' | 'accounts';

const DesignDocSchema = z.looseObject({
  _id: z.string().regex(/^_design\/[a-z_]+$/),
  language: z.literal('javascript'),
  crossbar_ts: z.object({ version: z.number().int().positive() }),
  views: z.record(
    z.string(),
    z.object({ map: z.string().startsWith('function'), reduce: z.string().optional() }),
  ),
});
export type DesignDoc = z.infer<typeof DesignDocSchema>;

function findViewsFolder(): string {
  // src/couch in development, dist/src/couch once compiled: walk up to the project root.
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'couch-views');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('couch-views folder not found above ' + __dirname);
}

const cache = new Map<DbClass, DesignDoc[]>();

/** The design documents of a class, read and validated once per process. */
export function designDocsFor(dbClass: DbClass): DesignDoc[] {
  let docs = cache.get(dbClass);
  if (!docs) {
    const folder = join(findViewsFolder(), dbClass);
    docs = readdirSync(folder)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => {
        const parsed = DesignDocSchema.safeParse(
          JSON.parse(readFileSync(join(folder, file), 'utf8')),
        );
        if (!parsed.success)
          throw new Error(`couch-views/${dbClass}/${file}: ${parsed.error.message}`);
        return parsed.data;
      });
    cache.set(dbClass, docs);
  }
  return docs;
}

function versionOf(doc: StoredDoc): number | undefined {
  const marker = doc.crossbar_ts as { version?: unknown } | undefined;
  return typeof marker?.version === 'number' ? marker.version : undefined;
}

/**
 * Installs each design document the database lacks and replaces ours when its version is older.
 * A design document without our marker belongs to a KAZOO sharing the cluster: left alone.
 */
export async function ensureDesignDocs(db: Db, dbClass: DbClass, log?: Logger): Promise<void> {
  for (const wanted of designDocsFor(dbClass)) {
    const existing = await findDoc(db, wanted._id);
    if (existing) {
      const version = versionOf(existing);
      if (version === undefined || version >= wanted.crossbar_ts.version) continue;
    }
    try {
      await db.insert({ ...wanted, ...(existing?._rev ? { _rev: existing._rev } : {}) });
      log?.info(
        { db: db.config.db, ddoc: wanted._id, version: wanted.crossbar_ts.version },
        'installed design document',
      );
    } catch (err) {
      // Another replica installed it between our read and write: theirs is as good as ours.
      if (!isCouchStatus(err, 409)) throw toApiError(err, wanted._id);
    }
  }
}
