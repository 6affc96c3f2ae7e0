/**
 * The vCard 3.0 encoder (spec lists.md §5): line order, escaping, folding at 75 octets without
 * splitting UTF-8 sequences, fallbacks; and a real vCard parser (ical.js) reading what it makes.
 */
import ICAL from 'ical.js';
import {
  buildVcard,
  escapeText,
  foldLine,
  MAX_LINE_OCTETS,
  vcardLines,
} from '../../../../src/modules/lists/vcard';

/** The physical lines of a card, CRLF removed (the card must end with CRLF). */
function physicalLines(card: string): string[] {
  expect(card.endsWith('\r\n')).toBe(true);
  return card.slice(0, -2).split('\r\n');
}

/** RFC 2425 §5.8.1 unfolding: CRLF followed by one space goes away. */
function unfold(card: string): string {
  return card.replace(/\r\n /g, '');
}

interface Parsed {
  getFirstPropertyValue(name: string): unknown;
  getAllProperties(name: string): Array<{
    getFirstValue(): unknown;
    getValues(): unknown[];
    getParameter(name: string): unknown;
  }>;
}

function parse(card: string): Parsed {
  return new ICAL.Component(ICAL.parse(card));
}

describe('escapeText', () => {
  it('when a value holds backslash, comma, semicolon and line breaks, then each is escaped', () => {
    expect(escapeText('a\\b,c;d\r\ne\rf\ng')).toBe('a\\\\b\\,c\\;d\\ne\\nf\\ng');
  });

  it('when a value holds colons, then they are left alone', () => {
    expect(escapeText('sip:me@example.com')).toBe('sip:me@example.com');
  });
});

describe('foldLine', () => {
  it('when a line has 75 octets, then it is one physical line', () => {
    const line = `NOTE:${'x'.repeat(70)}`;

    expect(foldLine(line)).toBe(`${line}\r\n`);
  });

  it('when a line has 76 octets, then the 76th goes on a continuation line', () => {
    const line = `NOTE:${'x'.repeat(71)}`;

    expect(foldLine(line)).toBe(`${line.slice(0, 75)}\r\n x\r\n`);
  });

  it.each([
    ['é (2 octets)', 'é'],
    ['漢 (3 octets)', '漢'],
    ['😀 (4 octets)', '😀'],
  ])(
    'when a name is 40 × %s, then no line exceeds 75 octets and no character is split',
    (_what, char) => {
      const line = `FN:${char.repeat(40)}`;

      const folded = foldLine(line);
      const lines = physicalLines(folded);

      expect(lines.length).toBeGreaterThan(1);
      expect(lines.slice(1).every((physical) => physical.startsWith(' '))).toBe(true);
      for (const physical of lines) {
        expect(Buffer.byteLength(physical, 'utf8')).toBeLessThanOrEqual(MAX_LINE_OCTETS);
        // Every physical line is valid UTF-8 on its own: no sequence was cut.
        expect(Buffer.from(physical, 'utf8').toString('utf8')).toBe(physical);
        expect(physical).not.toContain('\uFFFD');
      }
      // Full lines are as full as the character size allows.
      const first = Buffer.byteLength(lines[0]!, 'utf8');
      expect(first).toBeGreaterThan(MAX_LINE_OCTETS - Buffer.byteLength(char, 'utf8'));
      expect(unfold(folded)).toBe(`${line}\r\n`);
    },
  );

  it('when a line is very long, then continuation lines carry one space and 74 octets', () => {
    const folded = foldLine(`NOTE:${'a'.repeat(300)}`);

    const lines = physicalLines(folded);

    expect(lines[0]).toHaveLength(75);
    for (const physical of lines.slice(1, -1)) {
      expect(physical).toMatch(/^ a{74}$/);
    }
  });
});

describe('vcardLines', () => {
  it("when given the spec's example entry, then exactly the spec's card", () => {
    const card = buildVcard({
      entryId: 'e1',
      entry: { number: '0123', firstname: 'Jane', lastname: 'Doe', displayname: 'JD' },
      org: 'ACME, Inc.',
    });

    expect(card).toBe(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Jane Doe',
        'N:Doe;Jane;;;',
        'ORG:ACME\\, Inc.',
        'NICKNAME:JD',
        'TEL;TYPE=VOICE:0123',
        'END:VCARD',
        '',
      ].join('\r\n'),
    );
  });

  it('when every field is set, then the lines come in the order of the spec', () => {
    const lines = vcardLines({
      entryId: 'e1',
      entry: {
        firstname: 'Jane',
        lastname: 'Doe',
        number: '100',
        displayname: 'JD',
        caller_id: { internal: { number: '200' }, external: { number: '300' } },
        profile: {
          middlename: 'Q',
          email: 'jane@example.com',
          birthday: '1980-01-02',
          note: 'Note',
          title: 'Dr',
          role: 'Boss',
          timezone: 'Europe/London',
          addresses: [{ address: '1 Main St', types: ['home'] }, { address: '2 Side St' }],
        },
      },
      org: 'ACME',
      photo: { type: 'PNG', data: Buffer.from([1, 2, 3]) },
    });

    expect(lines).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Jane Q Doe',
      'N:Doe;Jane;Q;;',
      'ORG:ACME',
      'PHOTO;ENCODING=b;TYPE=PNG:AQID',
      'EMAIL;TYPE=INTERNET:jane@example.com',
      'BDAY:1980-01-02',
      'NOTE:Note',
      'TITLE:Dr',
      'ROLE:Boss',
      'TZ:Europe/London',
      'NICKNAME:JD',
      'TEL;TYPE=VOICE:100',
      'TEL:200',
      'TEL:300',
      'ADR;TYPE=home:;;1 Main St;;;;',
      'ADR;TYPE=intl,postal,parcel,work:;;2 Side St;;;;',
      'END:VCARD',
    ]);
  });

  it('when only the entry id is known, then FN is the id and N is still present', () => {
    expect(vcardLines({ entryId: 'abc', entry: {} })).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:abc',
      'N:;;;;',
      'END:VCARD',
    ]);
  });

  it.each([
    ['displayname', { displayname: 'Shown', number: '1' }, 'Shown'],
    ['number', { number: '0123' }, '0123'],
    ['firstname alone', { firstname: 'Solo', displayname: 'Shown' }, 'Solo'],
    ['lastname alone', { lastname: 'Last', number: '1' }, 'Last'],
  ])('when the name parts are missing, then FN falls back to %s', (_what, entry, fn) => {
    expect(vcardLines({ entryId: 'id', entry })[2]).toBe(`FN:${fn}`);
  });

  it('when profile keys repeat entry keys, then the profile wins', () => {
    const lines = vcardLines({
      entryId: 'id',
      entry: { firstname: 'Entry', profile: { firstname: 'Profile' } },
    });

    expect(lines[2]).toBe('FN:Profile');
  });

  it('when values are empty or blank, then their lines are skipped', () => {
    const lines = vcardLines({
      entryId: 'id',
      entry: { number: '', displayname: ' ', profile: { note: '', title: '  ', nicknames: [] } },
      org: '',
    });

    expect(lines).toEqual(['BEGIN:VCARD', 'VERSION:3.0', 'FN:id', 'N:;;;;', 'END:VCARD']);
  });

  it('when there is no displayname, then NICKNAME joins the nicknames, each escaped', () => {
    const lines = vcardLines({
      entryId: 'id',
      entry: { profile: { nicknames: ['Bob, Jr', 'B;B', ''] } },
    });

    expect(lines).toContain('NICKNAME:Bob\\, Jr,B\\;B');
  });

  it('when the caller id numbers repeat the number, then no extra TEL lines', () => {
    const lines = vcardLines({
      entryId: 'id',
      entry: {
        number: '100',
        caller_id: { internal: { number: '100' }, external: { number: '200' } },
      },
    });

    expect(lines.filter((line) => line.startsWith('TEL'))).toEqual([
      'TEL;TYPE=VOICE:100',
      'TEL:200',
    ]);
  });

  it('when values hold separators, then they are escaped but structural ones are not', () => {
    const lines = vcardLines({
      entryId: 'id',
      entry: {
        firstname: 'A;B',
        lastname: 'C,D',
        profile: { note: 'line1\nline2: ok\\', addresses: [{ address: '1 Main St, Apt 2; Rear' }] },
      },
    });

    expect(lines).toEqual(
      expect.arrayContaining([
        'FN:A\\;B C\\,D',
        'N:C\\,D;A\\;B;;;',
        'NOTE:line1\\nline2: ok\\\\',
        'ADR;TYPE=intl,postal,parcel,work:;;1 Main St\\, Apt 2\\; Rear;;;;',
      ]),
    );
  });

  it('when addresses have no text, then no ADR line', () => {
    const lines = vcardLines({
      entryId: 'id',
      entry: { profile: { addresses: [{ types: ['home'] }, { address: '' }, 'junk'] } },
    });

    expect(lines.some((line) => line.startsWith('ADR'))).toBe(false);
  });
});

describe('buildVcard read by a vCard parser (ical.js)', () => {
  it('when a card has multi-byte names, escapes, a photo and addresses, then the parser reads back every value', () => {
    const name = 'é'.repeat(40);
    const family = '漢'.repeat(40);
    const photo = Buffer.alloc(300, 0xab);
    const card = buildVcard({
      entryId: 'id',
      entry: {
        firstname: name,
        lastname: family,
        number: '+44 20 7946 0000',
        profile: {
          note: 'multi\nline; with, separators: and \\ backslash',
          nicknames: ['Bob, Jr', 'Bobby'],
          addresses: [{ address: '1 Main St, Apt 2', types: ['home', 'postal'] }],
        },
      },
      org: 'ACME, Inc.',
      photo: { type: 'JPEG', data: photo },
    });
    for (const physical of physicalLines(card)) {
      expect(Buffer.byteLength(physical, 'utf8')).toBeLessThanOrEqual(MAX_LINE_OCTETS);
    }

    const parsed = parse(card);

    expect(parsed.getFirstPropertyValue('version')).toBe('3.0');
    expect(parsed.getFirstPropertyValue('fn')).toBe(`${name} ${family}`);
    expect(parsed.getFirstPropertyValue('n')).toEqual([family, name, '', '', '']);
    expect(parsed.getFirstPropertyValue('org')).toBe('ACME, Inc.');
    // ical.js reads unstructured text by RFC 6350's rule, which leaves `\;` (RFC 2426's escape,
    // required by the spec) as it is: undo that one step here.
    expect(String(parsed.getFirstPropertyValue('note')).replace(/\\;/g, ';')).toBe(
      'multi\nline; with, separators: and \\ backslash',
    );
    expect(parsed.getFirstPropertyValue('tel')).toBe('+44 20 7946 0000');
    const [adr] = parsed.getAllProperties('adr');
    expect(adr?.getFirstValue()).toEqual(['', '', '1 Main St, Apt 2', '', '', '', '']);
    expect(adr?.getParameter('type')).toEqual(['home', 'postal']);
    const photoValue = parsed.getFirstPropertyValue('photo') as { value: string };
    expect(Buffer.from(photoValue.value, 'base64')).toEqual(photo);
    const [nickname] = parsed.getAllProperties('nickname');
    expect(nickname?.getValues()).toEqual(['Bob, Jr', 'Bobby']);
  });
});
