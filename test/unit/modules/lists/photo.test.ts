/**
 * Photo upload helpers (spec lists.md §6.1): magic-byte detection, the accepted request types,
 * and opening an upload (raw or multipart) without reading past its first bytes.
 */
import { PassThrough, Readable } from 'node:stream';
import { ApiError } from '../../../../src/core/errors';
import {
  detectImageType,
  isPhotoUploadType,
  openUpload,
} from '../../../../src/modules/lists/photo';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('detectImageType', () => {
  it.each([
    ['JPEG', JPEG, 'image/jpeg'],
    ['PNG', PNG, 'image/png'],
    ['GIF87a', Buffer.from('GIF87a\x01\x00', 'latin1'), 'image/gif'],
    ['GIF89a', Buffer.from('GIF89a\x01\x00', 'latin1'), 'image/gif'],
    ['WebP', Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'), 'image/webp'],
  ])('when the bytes start like %s, then %s', (_what, bytes, type) => {
    expect(detectImageType(bytes)).toBe(type);
  });

  it.each([
    ['text', Buffer.from('hello world, no image here')],
    ['a RIFF that is not WebP (WAVE)', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')],
    ['half a JPEG marker', Buffer.from([0xff, 0xd8])],
    ['GIF90a', Buffer.from('GIF90a', 'latin1')],
    ['nothing', Buffer.alloc(0)],
  ])('when the bytes are %s, then undefined', (_what, bytes) => {
    expect(detectImageType(bytes)).toBeUndefined();
  });
});

describe('isPhotoUploadType', () => {
  it.each([
    'multipart/form-data; boundary=x',
    'image/jpeg',
    'IMAGE/PNG',
    'image/gif',
    'image/webp',
    'application/octet-stream',
  ])('when the request type is %s, then the photo path takes it raw', (type) => {
    expect(isPhotoUploadType(type)).toBe(true);
  });

  it.each(['application/json', 'text/plain', 'image/svg+xml', 'multipart/mixed', ''])(
    'when the request type is %p, then it is not taken',
    (type) => {
      expect(isPhotoUploadType(type)).toBe(false);
    },
  );
});

describe('openUpload', () => {
  it('when a raw body is an image, then its head is read and the rest left in the stream', async () => {
    const body = new PassThrough();
    const tail = Buffer.alloc(100_000, 7);
    body.write(JPEG);
    body.end(tail);

    const upload = await openUpload(body, 'image/png');

    expect(upload.type).toBe('image/jpeg');
    expect(upload.head.length).toBeLessThanOrEqual(16);
    const rest = await readAll(upload.rest);
    expect(Buffer.concat([upload.head, rest])).toEqual(Buffer.concat([JPEG, tail]));
  });

  it('when a raw body is shorter than the head, then it is read whole', async () => {
    const upload = await openUpload(Readable.from([Buffer.from([0xff, 0xd8, 0xff])]), 'image/jpeg');

    expect(upload.type).toBe('image/jpeg');
    expect(upload.head).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('when a raw body is empty, then 400 photo.required', async () => {
    const err = await failure(openUpload(Readable.from([]), 'image/jpeg'));

    expect(err.status).toBe(400);
    expect(err.data).toEqual({
      photo: { required: { message: 'Field is required but missing', value: 'photo' } },
    });
  });

  it('when a raw body is not an image, then 415 with the declared type', async () => {
    const err = await failure(
      openUpload(Readable.from([Buffer.from('plain text body')]), 'image/png; x=y'),
    );

    expect(err.status).toBe(415);
    expect(err.data).toEqual({ message: 'unsupported media type', cause: 'image/png; x=y' });
  });

  it('when a multipart body has a file part, then that part is the upload', async () => {
    const boundary = 'b0undary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.png"\r\n` +
          'Content-Type: image/png\r\n\r\n',
      ),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);

    const upload = await openUpload(
      Readable.from([body]),
      `multipart/form-data; boundary=${boundary}`,
    );

    expect(upload.type).toBe('image/png');
    expect(Buffer.concat([upload.head, await readAll(upload.rest)])).toEqual(PNG);
  });

  it('when a multipart body has no boundary, then 400 multipart.invalid', async () => {
    const err = await failure(openUpload(Readable.from([Buffer.from('x')]), 'multipart/form-data'));

    expect(err.status).toBe(400);
    expect(Object.keys(err.data as object)).toEqual(['multipart']);
  });
});
