import { Writable } from 'node:stream';
import { toCsv } from '../../../src/core/csv';
import { createLogger } from '../../../src/logger';
import {
  ChunkedListing,
  csvText,
  envelopeText,
  heldThenRest,
  holdListing,
  loggedText,
  streamedColumns,
  streamedListingTag,
} from '../../../src/core/listing-stream';

/** The chunks as a reader gives them: each after a turn of the event loop, like a view query. */
async function* chunksOf(chunks: unknown[][]): AsyncGenerator<unknown[], void, undefined> {
  for (const chunk of chunks) {
    await new Promise((resolve) => setImmediate(resolve));
    yield chunk;
  }
}

async function joined(parts: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const part of parts) text += part;
  return text;
}

const FIELDS = { status: 'success', request_id: 'r1', revision: 'abc' };
const ITEMS = [
  { id: 'a', name: 'first', nested: { deep: [1, { x: 'line\nbreak' }] } },
  { id: 'b', name: 'say "hi"' },
  { id: 'c', empty: {}, list: [] },
];

describe('envelopeText', () => {
  it.each([
    ['one chunk', [ITEMS]],
    ['a chunk per item', ITEMS.map((item) => [item])],
    ['empty chunks between', [[], [ITEMS[0]], [], [ITEMS[1], ITEMS[2]], []]],
    ['no items', []],
    ['no items, empty chunks', [[], []]],
  ])('when %s, then compact text is JSON.stringify of the whole envelope', async (_, chunks) => {
    const text = await joined(envelopeText(chunksOf(chunks), { fields: FIELDS, pretty: false }));
    expect(text).toBe(JSON.stringify({ data: chunks.flat(), ...FIELDS }));
  });

  it.each([
    ['one chunk', [ITEMS]],
    ['a chunk per item', ITEMS.map((item) => [item])],
    ['no items', []],
  ])(
    'when %s and pretty, then the text is JSON.stringify with 2-space indents',
    async (_, chunks) => {
      const text = await joined(envelopeText(chunksOf(chunks), { fields: FIELDS, pretty: true }));
      expect(text).toBe(JSON.stringify({ data: chunks.flat(), ...FIELDS }, null, 2));
    },
  );

  it.each([false, true])(
    'when the envelope has no other fields (pretty %p), then still JSON',
    async (pretty) => {
      for (const chunks of [[ITEMS], []]) {
        const text = await joined(envelopeText(chunksOf(chunks), { fields: {}, pretty }));
        expect(text).toBe(JSON.stringify({ data: chunks.flat() }, null, pretty ? 2 : undefined));
      }
    },
  );

  it('when a JSONP callback is named, then the envelope is wrapped in a call', async () => {
    const text = await joined(
      envelopeText(chunksOf([ITEMS]), { fields: FIELDS, pretty: false, callback: 'cb.done' }),
    );
    expect(text).toBe(`cb.done(${JSON.stringify({ data: ITEMS, ...FIELDS })});`);
  });

  it('when an item is undefined, then it is written as null, as JSON.stringify writes it', async () => {
    const text = await joined(
      envelopeText(chunksOf([[undefined, 1]]), { fields: {}, pretty: false }),
    );
    expect(JSON.parse(text)).toEqual({ data: [null, 1] });
  });
});

describe('streamedColumns and csvText', () => {
  it('when a table is read in chunks, then the text equals the whole table as toCsv writes it', async () => {
    const rows = [
      { id: '1', name: 'a' },
      { id: '2', profile: { title: 'Dr' } },
      { id: '3', tags: ['x', 'y'], name: 'two\nlines' },
    ];
    const chunks = [[rows[0]], [], [rows[1], rows[2]]];
    const columns = await streamedColumns(chunksOf(chunks));
    expect(columns).toEqual(['id', 'name', 'profile.title', 'tags']);
    expect(await joined(csvText(columns!, chunksOf(chunks)))).toBe(toCsv(rows));
  });

  it('when an item is not an object, then there are no columns (the answer stays JSON)', async () => {
    expect(await streamedColumns(chunksOf([[{ id: '1' }], ['text']]))).toBeUndefined();
  });

  it('when a row gained a column after the header was written, then that column is left out', async () => {
    const text = await joined(csvText(['id'], chunksOf([[{ id: '1' }], [{ id: '2', late: 'x' }]])));
    expect(text).toBe('id\r\n1\r\n2\r\n');
  });

  it('when no row has any column, then the table is empty', async () => {
    expect(await joined(csvText([], chunksOf([[{}, {}]])))).toBe('');
  });
});

describe('holdListing', () => {
  const HELD_ITEMS = 1000;
  const items = (from: number, count: number): unknown[] =>
    Array.from({ length: count }, (_, n) => ({ n: from + n }));
  const listingOf = (chunks: unknown[][]) =>
    new ChunkedListing(
      () => chunksOf(chunks),
      () => Promise.resolve('1'),
    );

  it('when the listing has at most the limit of items, then it is held whole', async () => {
    const held = await holdListing(
      listingOf([items(0, HELD_ITEMS - 1), items(HELD_ITEMS - 1, 1)]),
      HELD_ITEMS,
    );
    expect(held).toEqual({ isWhole: true, items: items(0, HELD_ITEMS) });
  });

  it('when the limit is 0, then an empty listing is whole and any other is streamed', async () => {
    expect(await holdListing(listingOf([[], []]), 0)).toEqual({ isWhole: true, items: [] });
    const held = await holdListing(listingOf([items(0, 1), items(1, 1)]), 0);
    expect(held).toMatchObject({ isWhole: false, items: items(0, 1) });
  });

  it('when it has more, then reading stops after the chunk that crossed the limit, and the rest follows', async () => {
    const chunks = [items(0, HELD_ITEMS), items(HELD_ITEMS, 5), items(HELD_ITEMS + 5, 5)];
    const held = await holdListing(listingOf(chunks), HELD_ITEMS);
    expect(held.isWhole).toBe(false);
    expect(held.items).toEqual(items(0, HELD_ITEMS + 5));
    if (held.isWhole) return;
    const all: unknown[] = [];
    for await (const chunk of heldThenRest(held)) all.push(...chunk);
    expect(all).toEqual(items(0, HELD_ITEMS + 10));
  });
});

describe('streamedListingTag', () => {
  it('when the database version or the request differs, then the tag differs', () => {
    const tag = streamedListingTag('5', { path: '/p', accept: 'csv' });
    expect(tag).toMatch(/^[0-9a-f]{32}$/);
    expect(streamedListingTag('5', { accept: 'csv', path: '/p' })).toBe(tag);
    expect(streamedListingTag('5', { path: '/p', accept: 'csv', jsonp: undefined })).toBe(tag);
    expect(streamedListingTag('6', { path: '/p', accept: 'csv' })).not.toBe(tag);
    expect(streamedListingTag('5', { path: '/p' })).not.toBe(tag);
    expect(streamedListingTag('5', { path: '/q', accept: 'csv' })).not.toBe(tag);
  });
});

describe('loggedText', () => {
  function capture() {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    return { lines, log: createLogger('info', sink).child({ request_id: 'r1' }) };
  }

  async function* parts(texts: string[], failAt?: number): AsyncGenerator<string> {
    for (const [n, text] of texts.entries()) {
      await new Promise((resolve) => setImmediate(resolve));
      if (n === failAt) throw new Error('store went away');
      yield text;
    }
  }

  it('when the text is read to its end, then the end is logged with the bytes sent', async () => {
    const { lines, log } = capture();
    expect(await joined(loggedText(parts(['ab', 'é']), log))).toBe('abé');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, request_id: 'r1', bytes: 4, msg: 'streamed listing' }),
    ]);
  });

  it('when reading fails midway, then the error is logged and passed on to cut the answer', async () => {
    const { lines, log } = capture();
    await expect(joined(loggedText(parts(['ab', 'cd'], 1), log))).rejects.toThrow(
      'store went away',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        bytes: 2,
        msg: 'streamed listing failed after its headers: connection cut',
        err: expect.objectContaining({ message: 'store went away' }),
      }),
    ]);
  });

  it('when the reader stops early (the client went away), then that is logged at info', async () => {
    const { lines, log } = capture();
    const reader = loggedText(parts(['ab', 'cd', 'ef']), log);
    expect((await reader.next()).value).toBe('ab');
    await reader.return();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        bytes: 2,
        msg: 'streamed listing left unread: the client went away',
      }),
    ]);
  });
});
