import { negotiate } from '../../../src/core/negotiation';

const JSON_OR_CSV = ['application/json', 'text/csv'];
const VCARD = ['text/x-vcard', 'text/vcard', 'text/directory'];

describe('negotiate', () => {
  it('when Accept is absent, then the endpoint’s first type', () => {
    expect(negotiate('', JSON_OR_CSV)).toBe('application/json');
    expect(negotiate('  ', VCARD)).toBe('text/x-vcard');
  });

  it('when Accept is a wildcard, then the first type that fits it', () => {
    expect(negotiate('*/*', JSON_OR_CSV)).toBe('application/json');
    expect(negotiate('text/*', VCARD)).toBe('text/x-vcard');
    expect(negotiate('text/*', JSON_OR_CSV)).toBe('text/csv');
  });

  it('when several ranges are given, then the highest q wins, ties by order', () => {
    expect(negotiate('text/csv;q=0.5, application/json', JSON_OR_CSV)).toBe('application/json');
    expect(negotiate('text/csv, application/json', JSON_OR_CSV)).toBe('text/csv');
    expect(negotiate('text/html,application/xhtml+xml,*/*;q=0.8', JSON_OR_CSV)).toBe(
      'application/json',
    );
    expect(negotiate('application/json, text/javascript, */*; q=0.01', JSON_OR_CSV)).toBe(
      'application/json',
    );
  });

  it('when a client uses an alias, then it counts as the canonical type', () => {
    expect(negotiate('application/x-json', JSON_OR_CSV)).toBe('application/json');
    expect(negotiate('text/comma-separated-values', JSON_OR_CSV)).toBe('text/csv');
  });

  it('when nothing fits or q=0 excludes it, then undefined (406)', () => {
    expect(negotiate('text/html', JSON_OR_CSV)).toBeUndefined();
    expect(negotiate('application/json', VCARD)).toBeUndefined();
    expect(negotiate('application/json;q=0', JSON_OR_CSV)).toBeUndefined();
    expect(negotiate('text/vcard', VCARD)).toBe('text/vcard');
  });
});
