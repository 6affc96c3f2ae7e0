import { classifyContentType, checkEnvelope, parseEnvelope } from '../../../src/core/body';
import { ApiError } from '../../../src/core/errors';

/** The ApiError `run` throws, rendered as crossbar renders it. */
function thrownBy(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, body: err.toJSON() };
    throw err;
  }
  throw new Error('expected an ApiError');
}

const DATA_REQUIRED = {
  status: 400,
  body: {
    status: 'error',
    error: '400',
    message: 'validation error',
    data: { data: { required: { message: 'Field is required but missing', value: 'data' } } },
  },
};

function dataType(value: unknown) {
  return {
    status: 400,
    body: {
      status: 'error',
      error: '400',
      message: 'validation error',
      data: {
        data: {
          type: {
            message: 'Value did not match type(s): object, array',
            value,
            target: ['object', 'array'],
          },
        },
      },
    },
  };
}

describe('classifyContentType', () => {
  it.each([
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['APPLICATION/JSON', 'json'],
    ['application/x-json', 'json'],
    ['application/vnd.api+json', 'json'],
    [undefined, 'none'],
    ['', 'none'],
    ['application/x-www-form-urlencoded', 'form'],
    ['application/x-www-form-urlencoded; charset=UTF-8', 'form'],
    ['multipart/form-data; boundary=xyz', 'multipart'],
    ['multipart/mixed; boundary=xyz', 'multipart'],
    ['application/octet-stream', 'binary'],
    ['image/png', 'binary'],
    ['text/csv', 'other'],
    ['text/comma-separated-values', 'other'],
    ['text/plain', 'other'],
    ['application/xml', 'other'],
  ])('when Content-Type is %p, then the body kind is %p', (contentType, kind) => {
    expect(classifyContentType(contentType)).toBe(kind);
  });
});

describe('parseEnvelope', () => {
  it.each([
    ['', 'json'],
    ['', 'none'],
    ['', 'form'],
    ['   \n\t ', 'json'],
    ['\r\n', 'none'],
  ] as const)('when the body is %p (%s), then the envelope is {data:{}}', (text, kind) => {
    expect(parseEnvelope(text, kind)).toEqual({ data: {} });
  });

  it('when the body is JSON, then the whole envelope is returned with other keys', () => {
    expect(parseEnvelope('{"data":{"name":"x"},"verb":"PUT"}', 'json')).toEqual({
      data: { name: 'x' },
      verb: 'PUT',
    });
  });

  it('when there is no Content-Type, then the body is parsed as JSON', () => {
    expect(parseEnvelope('{"data":[1,2]}', 'none')).toEqual({ data: [1, 2] });
  });

  it('when the JSON is invalid, then 400 json.invalid with the parser message and target body', () => {
    const { status, body } = thrownBy(() => parseEnvelope('{"data":', 'json'));

    expect(status).toBe(400);
    expect(body).toEqual({
      status: 'error',
      error: '400',
      message: 'validation error',
      data: { json: { invalid: { message: expect.any(String), target: 'body' } } },
    });
    const invalid = (body.data as { json: { invalid: { message: string } } }).json.invalid;
    expect(invalid.message.length).toBeGreaterThan(0);
  });

  it('when a form body holds JSON (curl -d), then the JSON is used', () => {
    expect(parseEnvelope('{"data":{"name":"x"}}', 'form')).toEqual({ data: { name: 'x' } });
  });

  it('when a form body holds invalid JSON, then 400 json.invalid', () => {
    expect(thrownBy(() => parseEnvelope('{"data":{', 'form')).body.data).toEqual({
      json: { invalid: { message: expect.any(String), target: 'body' } },
    });
  });

  it('when a real form is sent, then each field is a request value in data', () => {
    expect(parseEnvelope('name=x+y&enabled=true&note=a%26b', 'form')).toEqual({
      data: { name: 'x y', enabled: 'true', note: 'a&b' },
    });
  });

  it('when a form field named data holds JSON, then it is decoded into data', () => {
    const text = `data=${encodeURIComponent('{"name":"x","stuff":["a"]}')}&other=y`;

    expect(parseEnvelope(text, 'form')).toEqual({
      data: { name: 'x', stuff: ['a'], other: 'y' },
    });
  });

  it('when a JSON body has no data, then 400 data.required', () => {
    expect(thrownBy(() => parseEnvelope('{"name":"x"}', 'json'))).toEqual(DATA_REQUIRED);
  });

  it('when a JSON body is an array, then 400 data.required', () => {
    expect(thrownBy(() => parseEnvelope('[]', 'json'))).toEqual(DATA_REQUIRED);
  });
});

describe('checkEnvelope', () => {
  it.each([[[]], ['x'], [5], [null], [{}], [{ verb: 'PUT' }]])(
    'when the body is %p, then 400 data.required',
    (body) => {
      expect(thrownBy(() => checkEnvelope(body))).toEqual(DATA_REQUIRED);
    },
  );

  it.each([['x'], [5], [true], [null]])(
    'when data is %p, then 400 data.type with the value',
    (data) => {
      expect(thrownBy(() => checkEnvelope({ data }))).toEqual(dataType(data));
    },
  );

  it.each([[{ data: {} }], [{ data: [] }], [{ data: { a: 1 }, auth_token: 't' }]])(
    'when the envelope is %p, then it is returned as it is',
    (body) => {
      expect(checkEnvelope(body)).toEqual(body);
    },
  );
});
