/**
 * PouchDB 9 (leveldb on disk, or memory) with express-pouchdb 4.2 serving it over HTTP.
 * This is the untyped corner of the embedded server: the two packages ship no types, so the
 * little of them we use is described here and nowhere else.
 */
import Module from 'node:module';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Express } from 'express';

/** The slice of a PouchDB database we call. */
export interface PouchDatabase {
  close(): Promise<void>;
}

/** The slice of the PouchDB constructor we (and express-pouchdb's plugins) call. */
export interface PouchStatic {
  new (name: string, opts?: Record<string, unknown>): PouchDatabase;
  defaults(opts: Record<string, unknown>): PouchStatic;
  plugin(plugin: unknown): PouchStatic;
  /** Installed by pouchdb-all-dbs once express-pouchdb's daemons have started. */
  allDbs(): Promise<string[]>;
  version: string;
}

interface ExpressPouchApp extends Express {
  setPouchDB(pouchDB: PouchStatic): Promise<void>;
}

interface ExpressPouchOptions {
  mode: 'minimumForPouchDB' | 'fullCouchDB';
  overrideMode?: { include?: string[]; exclude?: string[] };
}

type ExpressPouchFactory = (opts: ExpressPouchOptions) => ExpressPouchApp;

export interface PouchStore {
  /** The PouchDB constructor every database of this store is opened with. */
  PouchDB: PouchStatic;
  /** express-pouchdb, ready to mount behind the compatibility layer. */
  app: ExpressPouchApp;
  /** Folder of the leveldb databases, or undefined for the in-memory store. */
  dataDir: string | undefined;
  /** Closes the databases express-pouchdb has opened (best effort: leveldb also survives an exit). */
  close(): Promise<void>;
}

/** Database names are validated by us (couch-path.ts) before they reach express-pouchdb. */
function keepDbName(name: string): string {
  return name;
}

/**
 * express-pouchdb runs every database name through `lib/clean-filename.js` (sanitize-filename),
 * which drops `/`: `account/ab/cd` would become `accountabcd`. Its modules require that file by
 * relative path, so seeding Node's module cache with our own export replaces it everywhere.
 * Must run before express-pouchdb is first required.
 */
function replaceCleanFilename(): void {
  const target = require.resolve('express-pouchdb/lib/clean-filename.js');
  const cached = require.cache[target];
  if (cached !== undefined) {
    if (cached.exports === keepDbName) return;
    throw new Error('express-pouchdb was loaded before its clean-filename step could be replaced');
  }
  const replacement = new Module(target, module);
  replacement.filename = target;
  replacement.loaded = true;
  replacement.exports = keepDbName;
  require.cache[target] = replacement;
}

/**
 * Builds PouchDB and express-pouchdb for one data directory (absent → memory) and waits until
 * express-pouchdb's start-up work (static wrappers, the all-dbs registry) is done.
 *
 * Mode `minimumForPouchDB` plus `_find`, on purpose: the `fullCouchDB` parts were written for
 * PouchDB 7 and are where the measured crashes live (its auth wrappers on an anonymous `PUT /db`,
 * its changes-filter wrapper on `_changes?filter=_selector`); they also write `config.json` and
 * `log.txt` into the working directory and run a replicator daemon. Admin auth is enforced by
 * our layer instead (compat.ts). Compression is off: it only costs CPU on loopback.
 */
export async function createPouchStore(dataDir: string | undefined): Promise<PouchStore> {
  replaceCleanFilename();
  /* eslint-disable @typescript-eslint/no-require-imports -- untyped packages, and express-pouchdb
     must load after replaceCleanFilename() */
  const BasePouchDB = require('pouchdb') as PouchStatic;
  const memoryAdapter: unknown = require('pouchdb-adapter-memory');
  const expressPouchDB = require('express-pouchdb') as ExpressPouchFactory;
  const cleanFilename: unknown = require('express-pouchdb/lib/clean-filename.js');
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (cleanFilename !== keepDbName) {
    throw new Error('express-pouchdb clean-filename replacement did not take effect');
  }

  let PouchDB: PouchStatic;
  if (dataDir === undefined) {
    PouchDB = BasePouchDB.plugin(memoryAdapter).defaults({ adapter: 'memory' });
  } else {
    await mkdir(dataDir, { recursive: true });
    // The prefix is prepended to the name, so `account/ab/cd` lives in dataDir/account/ab/cd.
    PouchDB = BasePouchDB.defaults({ prefix: dataDir + path.sep });
  }

  const app = expressPouchDB({
    mode: 'minimumForPouchDB',
    overrideMode: { include: ['routes/find'], exclude: ['compression'] },
  });
  // Body-hash ETags cost a SHA-1 per response; document GETs get CouchDB's `"<rev>"` from compat.ts.
  app.set('etag', false);
  app.disable('x-powered-by');
  await app.setPouchDB(PouchDB);

  return {
    PouchDB,
    app,
    dataDir,
    close: () => closeOpenDatabases(PouchDB),
  };
}

/** express-pouchdb keeps the databases it opened in a cache on the constructor. */
async function closeOpenDatabases(PouchDB: PouchStatic): Promise<void> {
  const cache = (
    PouchDB as unknown as { __dbCacheMap?: { forEach(fn: (db: PouchDatabase) => void): void } }
  ).__dbCacheMap;
  const open: PouchDatabase[] = [];
  cache?.forEach((db) => open.push(db));
  await Promise.allSettled(open.map((db) => db.close()));
}
