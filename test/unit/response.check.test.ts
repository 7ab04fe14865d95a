import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServeResponse } from '../../src/http/serve-response';
import { checkResponse } from '../../src/replicas/response.check';

const response = (init: Record<string, unknown>) => new ServeResponse(init as never);

test('statuses 200–599 and headers of strings, numbers and arrays of them pass', () => {
  for (const status of [200, 204, 299, 304, 404, 599, undefined])
    assert.equal(checkResponse(response({ status })), undefined, String(status));
  const headers = {
    'x-a': 'b',
    'content-length': 3,
    'set-cookie': ['a=1', 'b=2'],
    'x-t': 'a\tb',
    'x-l': 'é',
    "x!#$%&'*+.^_`|~": '',
  };
  assert.equal(checkResponse(response({ headers })), undefined);
  assert.equal(checkResponse(response({ headers: null })), undefined);
});

test('a 1xx status is refused as interim; others outside 200–599 and non-integers name the status', () => {
  for (const status of [100, 101, 102, 103, 199])
    assert.match(
      checkResponse(response({ status }))!,
      new RegExp(`^status ${status}, .*1xx status is interim.*200 to 599`),
    );
  for (const status of [0, 99, 600, 1000, 200.5, -200, NaN, Infinity])
    assert.equal(checkResponse(response({ status })), `status ${status}: use an integer from 200 to 599`);
  assert.match(checkResponse(response({ status: '200' }))!, /^a status that is a string: use an integer/);
  assert.match(checkResponse(response({ status: 200n }))!, /^a status that is a bigint:/);
});

test('a bad header name or value is named, never its value', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ 'bad header': 'v' }, /^a header name "bad header", which is not an HTTP token/],
    [{ '': 'v' }, /^a header name "", which is not/],
    [{ 'x-é': 'v' }, /^a header name "x-é"/],
    [{ 'x\r\ny': 'v' }, /^a header name "x\\r\\ny"/],
    [{ [` ${'x'.repeat(99)}`]: 'v' }, /^a header name " x{38}…", which/],
    [{ 'x-v': 'a\r\nset-cookie: s=1' }, /^a header "x-v" whose value holds a control character \(CR, LF, NUL/],
    [{ 'x-v': 'a\0' }, /^a header "x-v" whose value holds a control character/],
    [{ 'x-v': '€' }, /^a header "x-v" whose value holds .* above U\+00FF/],
    [{ 'x-v': ['ok', 'b\n'] }, /^a header "x-v" whose value holds a control character/],
    [{ 'x-u': undefined }, /^a header "x-u" whose value is undefined: give it a string, or leave the header out/],
    [{ 'x-n': null }, /^a header "x-n" whose value is null: use a string/],
    [{ 'x-o': { a: 1 } }, /^a header "x-o" whose value is an object: use a string/],
    [{ 'x-b': true }, /^a header "x-b" whose value is a boolean/],
    [{ 'x-a': [['nested']] }, /^a header "x-a" whose value is an array/],
  ];
  for (const [headers, expected] of cases) {
    const problem = checkResponse(response({ headers }))!;
    assert.match(problem, expected, JSON.stringify(headers));
    assert.doesNotMatch(problem, /set-cookie|s=1/);
  }
  assert.match(checkResponse(response({ headers: 'x-a' }))!, /^headers that are a string: use an object/);
  assert.match(checkResponse(response({ headers: ['x-a'] }))!, /^headers that are an array: use an object/);
});

test('a ServeResponse made by another copy of the package is checked the same', () => {
  const foreign = { status: 101, headers: {}, [Symbol.toStringTag]: 'nestjs-serve:response' };
  assert.ok(ServeResponse.is(foreign));
  assert.match(checkResponse(foreign as unknown as ServeResponse)!, /^status 101,/);
});
