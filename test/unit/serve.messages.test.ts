import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateTraffic } from '../../src/module/traffic.validator';
import { resolveRolloutOptions } from '../../src/rollout/rollout.options';
import { messages } from '../../src/serve.messages';

test('a traffic weight NaN, Infinity or -Infinity is shown as such, not as null', () => {
  for (const [weight, shown] of [
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ] as const)
    assert.throws(() => validateTraffic('fleet', { FleetA: weight }, () => undefined), {
      code: 'INVALID_CONFIG',
      message: `Traffic of endpoint 'fleet': weight of backend 'FleetA' is ${shown}; expected a finite number >= 0.`,
    });
});

test('values JSON cannot hold are shown as such, also inside arrays and objects; JSON ones as JSON', () => {
  const shown = (value: unknown) =>
    messages
      .rolloutSteps('e', value)
      .slice(
        "rollout('e'): steps is ".length,
        -'; expected increasing shares above 0 ending at 1, e.g. [0.01, 0.1, 0.5, 1].'.length,
      );
  assert.equal(shown([0.5, NaN, Infinity]), '[0.5,NaN,Infinity]');
  assert.equal(shown({ a: -Infinity, b: undefined, c: 'x' }), '{"a":-Infinity,"b":undefined,"c":"x"}');
  assert.equal(shown(10n), '10n');
  assert.equal(shown([undefined, Symbol('s')]), '[undefined,Symbol(s)]');
  assert.equal(
    shown(function load() {}),
    'function load',
  );
  assert.equal(
    shown(() => 1),
    'an anonymous function',
  );
  assert.equal(shown(undefined), 'undefined');
  assert.equal(shown(null), 'null');
  assert.equal(shown('text'), "'text'");
  assert.equal(shown({ n: 1, list: [true, 'a'] }), '{"n":1,"list":[true,"a"]}');
  assert.equal(shown(-0), '0');
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.equal(shown(cycle), '[object Object]');
});

test("a rollout's steps with NaN are shown with NaN", () => {
  assert.throws(() => resolveRolloutOptions('canary', { steps: [0.5, NaN, 1] }), /steps is \[0\.5,NaN,1\]/);
});
