/**
 * Lists: the time of an entries page against its position and the list's size, a whole list read
 * at once (`paginate=false`, streamed) against the same rows straight from the store's view, and
 * the memory a 5 MB photo upload costs the service.
 */
import { randomBytes } from 'node:crypto';
import {
  api,
  measure,
  memoryOf,
  progress,
  resetPeak,
  spawnApp,
  type Measure,
  type Stack,
} from './harness';

const BIG_LIST = Number(process.env.BENCH_LIST_ENTRIES ?? 10_000);
const SMALL_LIST = 100;
/**
 * Four times the big list, for the memory of a whole-list export: V8 collects a young generation
 * of some megabytes at a time, so only lists well past that show whether memory grows with them.
 */
const HUGE_LIST = Number(process.env.BENCH_HUGE_LIST_ENTRIES ?? BIG_LIST * 4);
const PAGE_SIZE = 50;
const PHOTO_BYTES = 5 * 1024 * 1024;
const IMPORT_CONCURRENCY = 10;

async function createList(stack: Stack, name: string): Promise<string> {
  const list = await api(stack, 'PUT', `/v2/accounts/${stack.accountId}/lists`, { name });
  return (list.data as { id: string }).id;
}

/** Imports entries through the API, as the Address Books app's CSV import does, with progress. */
async function importEntries(stack: Stack, listId: string, count: number): Promise<void> {
  const path = `/v2/accounts/${stack.accountId}/lists/${listId}/entries`;
  let next = 0;
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = (next += 1);
      await api(stack, 'PUT', path, { displayname: `Entry ${n}`, number: String(1_000_000 + n) });
      if (n % 1000 === 0)
        progress(
          `imported ${n} / ${count} entries (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
    }
  };
  await Promise.all(Array.from({ length: IMPORT_CONCURRENCY }, worker));
}

/** The `start_key` of page `page` (1-based), found by walking `next_start_key`. */
async function startKeyOfPage(stack: Stack, listId: string, page: number): Promise<string> {
  let startKey: string | undefined;
  for (let p = 1; p < page; p += 1) {
    const query = `page_size=${PAGE_SIZE}${startKey ? `&start_key=${encodeURIComponent(startKey)}` : ''}`;
    const res = await api(
      stack,
      'GET',
      `/v2/accounts/${stack.accountId}/lists/${listId}/entries?${query}`,
    );
    startKey = res.next_start_key as string | undefined;
    if (!startKey) throw new Error(`the list has fewer than ${page} pages`);
  }
  return startKey!;
}

export interface ListsResults {
  pages: { first: Measure; last: Measure; small: Measure; lastPage: number };
  whole: WholeListResults;
  photo: { bytes: number; seconds: number; peakGrowth: number; rssBefore: number };
}

export async function benchLists(stack: Stack): Promise<ListsResults> {
  const big = await createList(stack, 'bench big list');
  const small = await createList(stack, 'bench small list');
  progress(`importing ${BIG_LIST} + ${SMALL_LIST} entries through the API`);
  await importEntries(stack, small, SMALL_LIST);
  await importEntries(stack, big, BIG_LIST);

  const lastPage = Math.ceil(BIG_LIST / PAGE_SIZE);
  const startKey = await startKeyOfPage(stack, big, lastPage);
  const entries = (list: string): string =>
    `${stack.base}/v2/accounts/${stack.accountId}/lists/${list}/entries?page_size=${PAGE_SIZE}`;
  const first = await measure(`entries page 1 of ${BIG_LIST}`, {
    url: entries(big),
    headers: stack.headers,
  });
  const last = await measure(`entries page ${lastPage} of ${BIG_LIST}`, {
    url: `${entries(big)}&start_key=${encodeURIComponent(startKey)}`,
    headers: stack.headers,
  });
  const smallFirst = await measure(`entries page 1 of ${SMALL_LIST}`, {
    url: entries(small),
    headers: stack.headers,
  });

  const entry = await api(stack, 'PUT', `/v2/accounts/${stack.accountId}/lists/${small}/entries`, {
    displayname: 'With photo',
  });
  const entryId = (entry.data as { id: string }).id;
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(PHOTO_BYTES - 4)]);
  const pid = stack.app.pid!;
  resetPeak(pid);
  const before = memoryOf(pid);
  const started = Date.now();
  const res = await fetch(
    `${stack.base}/v2/accounts/${stack.accountId}/lists/${small}/entries/${entryId}/photo`,
    {
      method: 'POST',
      headers: { 'X-Auth-Token': stack.token, 'Content-Type': 'image/jpeg' },
      body: jpeg,
    },
  );
  const seconds = (Date.now() - started) / 1000;
  if (res.status !== 200) throw new Error(`photo upload → ${res.status} ${await res.text()}`);
  const after = memoryOf(pid);
  const peakGrowth = after.peak - before.rss;
  progress(
    `5 MB photo: ${seconds.toFixed(2)} s, peak RSS growth ${(peakGrowth / 2 ** 20).toFixed(1)} MiB`,
  );

  // After the photo: exports grow the heap, which would skew the upload's memory figure.
  const huge = await createList(stack, 'bench huge list');
  progress(`importing ${HUGE_LIST} entries through the API`);
  await importEntries(stack, huge, HUGE_LIST);
  const whole = await benchWholeList(stack, [
    { id: big, entries: BIG_LIST },
    { id: huge, entries: HUGE_LIST },
  ]);
  return {
    pages: { first, last, small: smallFirst, lastPage },
    whole,
    photo: { bytes: PHOTO_BYTES, seconds, peakGrowth, rssBefore: before.rss },
  };
}

export interface WholeListResults {
  json: Measure;
  csv: Measure;
  direct: Measure;
  connections: number;
  /** One export of each list, alone: its size, whether it was streamed, and the memory it took. */
  exports: Array<{ entries: number; bytes: number; isStreamed: boolean; peakGrowth: number }>;
}

/** Exports read at once in the throughput runs: each costs the store a whole view read. */
const EXPORT_CONNECTIONS = 2;

/** One export on its own: its size, and the peak RSS growth of the app at `base` over its RSS before. */
async function exportOnce(stack: Stack, app: { pid: number; base: string }, path: string) {
  resetPeak(app.pid);
  const before = memoryOf(app.pid);
  const res = await fetch(`${app.base}${path}`, { headers: stack.headers });
  const bytes = (await res.arrayBuffer()).byteLength;
  if (res.status !== 200) throw new Error(`export → ${res.status}`);
  return {
    bytes,
    isStreamed: res.headers.get('transfer-encoding') === 'chunked',
    peakGrowth: memoryOf(app.pid).peak - before.rss,
  };
}

/** V8's young generation grows with the allocation rate; kept small, RSS shows what is retained. */
const MEMORY_NODE_ARGS = ['--max-semi-space-size=1'];

/**
 * Every entry of a list in one answer, as the Address Books app exports a phone book. Memory is
 * the point of streaming: the peak of one export must not grow with the list, measured on an app
 * process of its own (MEMORY_NODE_ARGS) over the same store. Throughput (on the first list):
 * JSON and CSV through the API against the same rows read from the view directly.
 */
async function benchWholeList(
  stack: Stack,
  lists: Array<{ id: string; entries: number }>,
): Promise<WholeListResults> {
  const path = (listId: string): string =>
    `/v2/accounts/${stack.accountId}/lists/${listId}/entries?paginate=false`;
  const url = (listId: string): string => `${stack.base}${path(listId)}`;
  const probe = await spawnApp(stack.couchUrl, stack.adminPassword, MEMORY_NODE_ARGS);
  const exports = [];
  try {
    const app = { pid: probe.app.pid!, base: probe.base };
    for (const list of lists) {
      await exportOnce(stack, app, path(list.id)); // one-off warm-up: code, caches, the view
      const runs = [];
      for (let i = 0; i < 3; i += 1) runs.push(await exportOnce(stack, app, path(list.id)));
      const one = { ...runs[0]!, peakGrowth: Math.max(...runs.map((run) => run.peakGrowth)) };
      progress(
        `export of ${list.entries}: ${(one.bytes / 2 ** 20).toFixed(2)} MiB, streamed ${one.isStreamed}, ` +
          `peak RSS growth ${(one.peakGrowth / 2 ** 20).toFixed(1)} MiB`,
      );
      exports.push({ entries: list.entries, ...one });
    }
  } finally {
    probe.app.kill('SIGTERM');
    await new Promise((resolve) => probe.app.once('exit', resolve));
  }

  const big = lists[0]!;
  const load = { headers: stack.headers, connections: EXPORT_CONNECTIONS, timeout: 120 };
  const json = await measure(`all ${big.entries} entries as JSON`, { url: url(big.id), ...load });
  const csv = await measure(`all ${big.entries} entries as CSV`, {
    url: `${url(big.id)}&accept=csv`,
    ...load,
  });
  const range = `startkey=${encodeURIComponent(JSON.stringify([big.id]))}&endkey=${encodeURIComponent(JSON.stringify([big.id, {}]))}`;
  const direct = await measure(`the view's ${big.entries} rows directly`, {
    url: `${stack.directDb}/_design/crossbar_ts_lists/_view/entries?${range}&reduce=false`,
    ...load,
    headers: stack.directHeaders,
  });
  return { json, csv, direct, connections: EXPORT_CONNECTIONS, exports };
}
