import {
  decodeStartKey,
  encodeStartKey,
  parsePageRequest,
  parsePageSize,
} from '../../../src/core/pagination';

/** A request-value lookup over a plain record, as the pipeline builds it. */
function values(record: Record<string, unknown>) {
  return (key: string): unknown => record[key];
}

describe('parsePageSize', () => {
  it.each([
    [undefined, 50],
    ['', 50],
    ['0', 50],
    [0, 50],
    ['-3', 50],
    ['2.5', 50],
    ['abc', 50],
    ['1', 1],
    ['10', 10],
    [10, 10],
    ['1000', 1000],
    ['1001', 1000],
    ['5000', 1000],
  ])('when page_size is %p, then the page size is %p', (input, expected) => {
    expect(parsePageSize(input)).toBe(expected);
  });
});

describe('encodeStartKey / decodeStartKey', () => {
  it('when a position is encoded, then it is base64url without padding of {"k","d"}', () => {
    const encoded = encodeStartKey({ key: ['list', 'x'], docId: 'abc' });

    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))).toEqual({
      k: ['list', 'x'],
      d: 'abc',
    });
  });

  it.each([
    [{ key: 'name', docId: 'id1' }],
    [{ key: ['a', 1, { b: null }], docId: 'id2' }],
    [{ key: 5, docId: 'id3' }],
    [{ key: 'ünïcode ✓', docId: 'id4' }],
  ])('when %p is encoded and decoded, then the same position comes back', (position) => {
    expect(decodeStartKey(encodeStartKey(position))).toEqual(position);
  });

  it('when the key is a plain string that is not ours, then it is used as the view key', () => {
    expect(decodeStartKey('some name')).toEqual({ key: 'some name' });
  });

  it('when the key is a plain word of base64url characters, then it is still the raw key', () => {
    expect(decodeStartKey('abc')).toEqual({ key: 'abc' });
  });

  it('when the key is JSON, then the parsed value is the view key', () => {
    expect(decodeStartKey('["a","b"]')).toEqual({ key: ['a', 'b'] });
  });

  it('when the key is a JSON number, then the number is the view key', () => {
    expect(decodeStartKey('42')).toEqual({ key: 42 });
  });
});

describe('parsePageRequest', () => {
  it('when nothing is asked, then 50 rows from the start', () => {
    expect(parsePageRequest(values({}))).toEqual({
      pageSize: 50,
      start: undefined,
      rawStartKey: undefined,
    });
  });

  it('when page_size and an encoded start_key are given, then both are used and the raw key kept', () => {
    const startKey = encodeStartKey({ key: 'b', docId: 'd' });

    expect(parsePageRequest(values({ page_size: '2', start_key: startKey }))).toEqual({
      pageSize: 2,
      start: { key: 'b', docId: 'd' },
      rawStartKey: startKey,
    });
  });

  it('when start_key is a plain key, then it is the view key', () => {
    expect(parsePageRequest(values({ start_key: 'bob smith' }))).toEqual({
      pageSize: 50,
      start: { key: 'bob smith' },
      rawStartKey: 'bob smith',
    });
  });

  it.each(['false', 'FALSE', false, 'no', '0'])(
    'when paginate is %p, then every row and no page keys',
    (paginate) => {
      expect(parsePageRequest(values({ paginate, page_size: '5', start_key: 'x' }))).toEqual({
        pageSize: undefined,
        start: undefined,
        rawStartKey: undefined,
      });
    },
  );

  it.each(['true', 'TRUE', true])('when paginate is %p, then pagination stays on', (paginate) => {
    expect(parsePageRequest(values({ paginate, page_size: '5' })).pageSize).toBe(5);
  });
});
