import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messages } from '../../src/serve.messages';
import { describeFunction, describeValue, withArticle } from '../../src/messages/value.describe';

test('numbers JSON cannot hold are shown as written, not as null', () => {
  assert.equal(describeValue(NaN), 'NaN');
  assert.equal(describeValue(Infinity), 'Infinity');
  assert.equal(describeValue(-Infinity), '-Infinity');
  assert.equal(describeValue(-0), '-0');
  assert.equal(describeValue(1.5), '1.5');
  assert.equal(describeValue(10n), '10n');
});

test('undefined, null, booleans, symbols and strings', () => {
  assert.equal(describeValue(undefined), 'undefined');
  assert.equal(describeValue(null), 'null');
  assert.equal(describeValue(false), 'false');
  assert.equal(describeValue(Symbol('k')), 'Symbol(k)');
  assert.equal(describeValue('x'), "'x'");
  assert.equal(describeValue('y'.repeat(100)), `'${'y'.repeat(80)}…'`);
});

test('functions and classes by name, never their source', () => {
  class Foo {
    call(): string {
      return 'secret source';
    }
  }
  function bar(): void {}
  assert.equal(describeValue(Foo), 'class Foo');
  assert.equal(describeValue(bar), 'function bar');
  assert.equal(
    describeValue(
      class {
        x = 1;
      },
    ),
    'an anonymous class',
  );
  assert.equal(
    describeValue([
      (
        () => () =>
          1
      )(),
    ]),
    '[an anonymous function]',
  );
  assert.doesNotMatch(describeValue({ Foo }), /secret/);
  assert.equal(describeFunction(Foo), 'class Foo');
});

test('arrays and objects keep their non-JSON values and are cut short', () => {
  assert.equal(describeValue({ weight: NaN, f: undefined }), '{ weight: NaN, f: undefined }');
  assert.equal(describeValue([1, 2, 3, 4, 5, 6]), '[1, 2, 3, 4, 5, …]');
  assert.equal(describeValue({ a: { b: { c: 1 } } }), '{ a: { b: {…} } }');
  assert.equal(describeValue([]), '[]');
  assert.equal(describeValue({}), '{}');
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.equal(describeValue(cycle), '{ self: { self: {…} } }');
});

test('other objects by their class', () => {
  assert.equal(describeValue(new Map()), 'a Map');
  assert.equal(describeValue(new Error('x')), 'an Error');
  assert.equal(describeValue(new Date(0)), 'Date 1970-01-01T00:00:00.000Z');
  assert.equal(describeValue(new Date(NaN)), 'an invalid Date');
  assert.equal(withArticle('Uint8Array'), 'a Uint8Array');
  assert.equal(withArticle('Error'), 'an Error');
});

test('traffic weights and shadow proportions are shown as written', () => {
  assert.match(messages.shadowProportion('e', 'b', NaN), /proportion is NaN;/);
  assert.match(messages.trafficWeight('e', 'b', -Infinity), /weight of backend 'b' is -Infinity;/);
});
