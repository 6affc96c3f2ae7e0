/**
 * The vCard 3.0 encoder of spec lists.md §5 (RFC 2426): pure, no I/O. 4.3 built a card from the
 * same fields but sent LF line ends, escaped colons and cut long lines without the leading space,
 * which no parser accepts; this one follows the RFC.
 */

/** The longest physical line, in UTF-8 octets, CRLF excluded (RFC 2425 §5.8.1). */
export const MAX_LINE_OCTETS = 75;

const CRLF = '\r\n';
const DEFAULT_ADDRESS_TYPES = 'intl,postal,parcel,work';

/** A photo the card can carry: vCard 3.0 readers know JPEG and PNG; GIF/WebP are left out. */
export interface VcardPhoto {
  type: 'JPEG' | 'PNG';
  data: Buffer;
}

export interface VcardInput {
  /** The entry id: the last fallback for `FN`. */
  entryId: string;
  /** The stored entry document; its `profile` object is merged over it (profile keys win). */
  entry: Record<string, unknown>;
  /** The list's `org`. */
  org?: unknown;
  photo?: VcardPhoto;
}

/** RFC 2426 §5.8.4 text value: `\`, `,`, `;` and line breaks escaped; colons left alone. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * One content line as it goes on the wire: folded so that no physical line exceeds 75 octets
 * (continuations start with one space, then at most 74 octets), never inside a UTF-8 sequence,
 * each physical line ending with CRLF.
 */
export function foldLine(line: string): string {
  // ASCII (every PHOTO line: megabytes of base64) is one octet per character: cut by length.
  if (/^[\x20-\x7e]*$/.test(line)) {
    const ascii = [line.slice(0, MAX_LINE_OCTETS)];
    for (let at = MAX_LINE_OCTETS; at < line.length; at += MAX_LINE_OCTETS - 1)
      ascii.push(` ${line.slice(at, at + MAX_LINE_OCTETS - 1)}`);
    return ascii.map((physical) => physical + CRLF).join('');
  }
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  // for…of walks code points, so a character's UTF-8 bytes are never split.
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_LINE_OCTETS) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.map((physical) => physical + CRLF).join('');
}

/** A value as text: strings as they are, numbers printed, anything else empty. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

function isPresent(value: string): boolean {
  return value.trim() !== '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function numberAt(doc: Record<string, unknown>, kind: 'internal' | 'external'): string {
  const callerId = doc.caller_id;
  if (!isObject(callerId)) return '';
  const entry = callerId[kind];
  return isObject(entry) ? textOf(entry.number) : '';
}

/** `NICKNAME`: the display name if set, else the profile's nicknames, each escaped, `,`-joined. */
function nicknameValue(doc: Record<string, unknown>): string {
  const displayName = textOf(doc.displayname);
  if (isPresent(displayName)) return escapeText(displayName);
  const nicknames: unknown[] = Array.isArray(doc.nicknames)
    ? doc.nicknames
    : typeof doc.nicknames === 'string'
      ? [doc.nicknames]
      : [];
  return nicknames.map(textOf).filter(isPresent).map(escapeText).join(',');
}

/** One `ADR` line per address with text: the text in the street component (RFC 2426 §3.2.1). */
function addressLines(doc: Record<string, unknown>): string[] {
  const addresses = Array.isArray(doc.addresses) ? doc.addresses : [];
  const lines: string[] = [];
  for (const item of addresses) {
    if (!isObject(item)) continue;
    const address = textOf(item.address);
    if (!isPresent(address)) continue;
    const types = Array.isArray(item.types) ? item.types.map(textOf).filter(isPresent) : [];
    const typeList = types.length > 0 ? types.join(',') : DEFAULT_ADDRESS_TYPES;
    lines.push(`ADR;TYPE=${typeList}:;;${escapeText(address)};;;;`);
  }
  return lines;
}

/** The unfolded content lines of the card, in the order of spec lists.md §5. */
export function vcardLines(input: VcardInput): string[] {
  const profile = isObject(input.entry.profile) ? input.entry.profile : {};
  const doc: Record<string, unknown> = { ...input.entry, ...profile };
  const field = (key: string): string => textOf(doc[key]);
  const first = field('firstname');
  const middle = field('middlename');
  const last = field('lastname');

  const fullName =
    [first, middle, last].filter(isPresent).join(' ') ||
    [field('displayname'), field('number'), input.entryId].find(isPresent) ||
    input.entryId;

  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${escapeText(fullName)}`,
    // N is mandatory in 3.0, empty components included.
    `N:${escapeText(last)};${escapeText(first)};${escapeText(middle)};;`,
  ];
  const optional = (name: string, value: string): void => {
    if (isPresent(value)) lines.push(`${name}:${value}`);
  };
  optional('ORG', escapeText(textOf(input.org)));
  if (input.photo && input.photo.data.length > 0) {
    lines.push(`PHOTO;ENCODING=b;TYPE=${input.photo.type}:${input.photo.data.toString('base64')}`);
  }
  optional('EMAIL;TYPE=INTERNET', escapeText(field('email')));
  optional('BDAY', escapeText(field('birthday')));
  optional('NOTE', escapeText(field('note')));
  optional('TITLE', escapeText(field('title')));
  optional('ROLE', escapeText(field('role')));
  optional('TZ', escapeText(field('timezone')));
  optional('NICKNAME', nicknameValue(doc));
  const number = field('number');
  optional('TEL;TYPE=VOICE', escapeText(number));
  const otherNumbers = [numberAt(doc, 'internal'), numberAt(doc, 'external')];
  const seen = new Set([number]);
  for (const other of otherNumbers) {
    if (!isPresent(other) || seen.has(other)) continue;
    seen.add(other);
    lines.push(`TEL:${escapeText(other)}`);
  }
  lines.push(...addressLines(doc));
  lines.push('END:VCARD');
  return lines;
}

/** The card as sent: every line folded and CRLF-terminated, UTF-8 text. */
export function buildVcard(input: VcardInput): string {
  return vcardLines(input).map(foldLine).join('');
}
