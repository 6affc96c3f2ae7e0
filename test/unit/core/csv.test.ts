import { isTabular, toCsv } from '../../../src/core/csv';

describe('toCsv', () => {
  it('when rows differ in keys, then columns are their union in first-seen order with empty cells', () => {
    expect(
      toCsv([
        { id: '1', name: 'a' },
        { id: '2', stuff: ['x'] },
      ]),
    ).toBe('id,name,stuff\r\n1,a,\r\n2,,"[""x""]"\r\n');
  });

  it('when values are nested objects, then they flatten to dotted columns', () => {
    expect(toCsv({ id: '1', profile: { title: 'Dr', address: { city: 'Oslo' } } })).toBe(
      'id,profile.title,profile.address.city\r\n1,Dr,Oslo\r\n',
    );
  });

  it('when values hold commas, quotes or line breaks, then RFC 4180 quoting applies', () => {
    expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: 'two\nlines', d: 5, e: true, f: null }])).toBe(
      'a,b,c,d,e,f\r\n"x,y","say ""hi""","two\nlines",5,true,null\r\n',
    );
  });

  it('when there are no rows, then the body is empty', () => {
    expect(toCsv([])).toBe('');
  });
});

describe('isTabular', () => {
  it('accepts an object or an array of objects only', () => {
    expect(isTabular({ a: 1 })).toBe(true);
    expect(isTabular([{ a: 1 }, {}])).toBe(true);
    expect(isTabular([])).toBe(true);
    expect(isTabular(['a'])).toBe(false);
    expect(isTabular('text')).toBe(false);
    expect(isTabular([{ a: 1 }, 2])).toBe(false);
  });
});
