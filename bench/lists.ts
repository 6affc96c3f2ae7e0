/**
 * Lists: the time of an entries page against its position and the list's size, a whole list read
 * at once (`paginate=false`, streamed) against the same rows straight from the store's view, and
 * the memory a 5 MB photo upload costs the service.
 */
import { randomBytes } from 'node:crypto';
import { api, measure, memoryOf, progress, resetPeak, type Measure, type Stack } from './harness';

const BIG_LIST = Number(process.env.BENCH_LIST_ENTRIES ?? 10_000);
const SMALL_LIST = 100;
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

  const whole = await benchWholeList(stack, big);

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
  /** Size of one JSON answer, and whether it came chunked (streamed). */
  bytes: number;
  isStreamed: boolean;
  /** The service's peak RSS growth while answering the JSON exports, over its RSS before. */
  peakGrowth: number;
}

/**
 * Every entry of the big list in one answer, as the Address Books app exports a phone book:
 * JSON and CSV through the API against the same rows read from the view directly. Memory is the
 * point of streaming: the peak is taken over CONNECTIONS exports running at once.
 */
async function benchWholeList(stack: Stack, listId: string): Promise<WholeListResults> {
  const url = `${stack.base}/v2/accounts/${stack.accountId}/lists/${listId}/entries?paginate=false`;
  const sample = await fetch(url, { headers: stack.headers });
  const bytes = (await sample.arrayBuffer()).byteLength;
  const isStreamed = sample.headers.get('transfer-encoding') === 'chunked';
  progress(`whole list: ${(bytes / 2 ** 20).toFixed(2)} MiB of JSON, streamed: ${isStreamed}`);

  const pid = stack.app.pid!;
  resetPeak(pid);
  const before = memoryOf(pid);
  const json = await measure(`all ${BIG_LIST} entries as JSON`, { url, headers: stack.headers });
  const peakGrowth = memoryOf(pid).peak - before.rss;
  const csv = await measure(`all ${BIG_LIST} entries as CSV`, {
    url: `${url}&accept=csv`,
    headers: stack.headers,
  });
  const range = `startkey=${encodeURIComponent(JSON.stringify([listId]))}&endkey=${encodeURIComponent(JSON.stringify([listId, {}]))}`;
  const direct = await measure(`the view's ${BIG_LIST} rows directly`, {
    url: `${stack.directDb}/_design/crossbar_ts_lists/_view/entries?${range}&reduce=false`,
    headers: stack.directHeaders,
  });
  return { json, csv, direct, bytes, isStreamed, peakGrowth };
}
