import { ApiError } from '../../../src/core/errors';
import { isCouchStatus, newId, toApiError } from '../../../src/couch/docs';

/** A nano request error as nano builds it from a CouchDB answer. */
function couchError(statusCode: number, error: string, reason: string): Error {
  return Object.assign(new Error(reason), {
    name: 'Error',
    scope: 'couch',
    statusCode,
    error,
    reason,
    request: { method: 'GET', uri: 'http://couch/db/doc' },
    headers: {},
    errid: 'non_200',
    description: reason,
  });
}

/** A nano error for a request that never got an HTTP answer. */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5984`), {
    scope: 'socket',
    errid: 'request',
    code,
    description: `connect ${code} 127.0.0.1:5984`,
  });
}

function rendered(err: unknown, id?: string) {
  const error = toApiError(err, id);
  return { status: error.status, body: error.toJSON() };
}

describe('toApiError', () => {
  it('when CouchDB answers 404 for a document, then 404 bad_identifier with the id as cause', () => {
    expect(rendered(couchError(404, 'not_found', 'missing'), 'doc1')).toEqual({
      status: 404,
      body: {
        status: 'error',
        error: '404',
        message: 'bad_identifier',
        data: { cause: 'doc1', message: 'bad identifier' },
      },
    });
  });

  it('when CouchDB answers 404 deleted for a document, then 404 bad_identifier', () => {
    expect(rendered(couchError(404, 'not_found', 'deleted'), 'doc1').body.message).toBe(
      'bad_identifier',
    );
  });

  it('when the database does not exist, then 503 datastore_missing', () => {
    expect(rendered(couchError(404, 'not_found', 'Database does not exist.'), 'doc1')).toEqual({
      status: 503,
      body: {
        status: 'error',
        error: '503',
        message: 'datastore_missing',
        data: { message: 'data collection missing: database not found' },
      },
    });
  });

  it('when a design view is missing, then 503 datastore missing view with data {}', () => {
    expect(rendered(couchError(404, 'not_found', 'missing_named_view'), 'doc1')).toEqual({
      status: 503,
      body: { status: 'error', error: '503', message: 'datastore missing view', data: {} },
    });
  });

  it('when CouchDB answers 409, then 409 datastore_conflict', () => {
    expect(rendered(couchError(409, 'conflict', 'Document update conflict.'), 'doc1')).toEqual({
      status: 409,
      body: {
        status: 'error',
        error: '409',
        message: 'datastore_conflict',
        data: { message: 'conflicting documents' },
      },
    });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'])(
    'when the socket fails with %s (no statusCode), then 503 datastore_unreachable',
    (code) => {
      expect(rendered(socketError(code), 'doc1')).toEqual({
        status: 503,
        body: {
          status: 'error',
          error: '503',
          message: 'datastore_unreachable',
          data: { message: 'datastore timeout' },
        },
      });
    },
  );

  it('when nano answers the unreachable-server way (no status, connection message), then 503', () => {
    const error = new Error('error happened in your connection. Reason: TypeError: fetch failed');
    expect(rendered(error, 'doc1').status).toBe(503);
  });

  it('when the failure is ours (no status, not a connection), then it is rethrown unchanged', () => {
    const overflow = new RangeError('Maximum call stack size exceeded');
    expect(() => toApiError(overflow, 'doc1')).toThrow(overflow);
  });

  it.each([502, 503, 504])('when CouchDB answers %i, then 503 datastore_unreachable', (code) => {
    expect(rendered(couchError(code, 'unavailable', 'down'), 'doc1').body.message).toBe(
      'datastore_unreachable',
    );
  });

  it('when CouchDB answers 500, then 500 datastore_fault with CouchDB error as cause', () => {
    expect(rendered(couchError(500, 'os_process_error', 'OS process timed out.'), 'doc1')).toEqual({
      status: 500,
      body: {
        status: 'error',
        error: '500',
        message: 'datastore_fault',
        data: { cause: 'os_process_error', message: 'unknown failure' },
      },
    });
  });

  it('when an ApiError is given, then it passes through unchanged', () => {
    const error = new ApiError('forbidden');

    expect(toApiError(error, 'doc1')).toBe(error);
  });
});

describe('isCouchStatus', () => {
  it('when the error carries that statusCode, then true; otherwise false', () => {
    expect(isCouchStatus(couchError(412, 'file_exists', 'exists'), 412)).toBe(true);
    expect(isCouchStatus(couchError(409, 'conflict', 'c'), 412)).toBe(false);
    expect(isCouchStatus(socketError('ECONNREFUSED'), 412)).toBe(false);
    expect(isCouchStatus(undefined, 412)).toBe(false);
  });
});

describe('newId', () => {
  it('when called, then it returns 32 lowercase hex chars, different each time', () => {
    const ids = new Set(Array.from({ length: 20 }, () => newId()));

    expect(ids.size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });
});
