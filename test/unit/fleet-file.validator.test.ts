import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateFleetFile } from '../../src/fleet/fleet-file.validator';

test('fills the defaults: methods GET, no shadows; accepts the document status --json prints', () => {
  const file = validateFleetFile(
    { format: 1, seeded: ['endpoint:e'], endpoints: { e: { route: '/e', traffic: { a: 1 } } } },
    'f.json',
  );
  assert.deepEqual(file, {
    backends: {},
    endpoints: { e: { route: '/e', methods: ['GET'], traffic: { a: 1 }, shadows: {} } },
  });
});

test('each bad value is refused naming the file and the field', () => {
  const cases: [unknown, RegExp][] = [
    [[], /f\.json: the document is \[\]/],
    [{ endpoint: {} }, /unknown field endpoint; known fields there: format, backends, endpoints/],
    [{ format: 2 }, /f\.json: format is 2; expected 1/],
    [{ endpoints: { e: { route: 'e', traffic: { a: 1 } } } }, /f\.json: endpoints\.e: option 'route' is 'e'/],
    [
      { endpoints: { e: { route: '/e', traffic: { a: 0.5 } } } },
      /endpoints\.e\.traffic .*sum to 1 \(they sum to 0\.5\)/,
    ],
    [
      { endpoints: { e: { route: '/e', traffic: { a: -1, b: 2 } } } },
      /endpoints\.e\.traffic\.a is -1; expected a number >= 0/,
    ],
    [
      { endpoints: { e: { route: '/e', traffic: { a: 1 }, shadows: { b: 2 } } } },
      /endpoints\.e\.shadows\.b is 2; expected a proportion/,
    ],
    [{ endpoints: { e: { route: '/e', traffic: { a: 1 }, methods: ['FETCH'] } } }, /endpoints\.e: option 'methods'/],
    [{ backends: { a: { config: { numReplicas: 0 } } } }, /backends\.a\.config: option 'numReplicas' is 0/],
    [{ backends: { a: { config: { replicas: 2 } } } }, /backends\.a\.config.*replicas/],
    [{ backends: { a: { modulePath: 3 } } }, /backends\.a\.modulePath is 3; expected a non-empty string/],
    [{ backends: { a: { options: { replica: 'fork' } } } }, /backends\.a\.options: option 'replica' is 'fork'/],
    // as JSON.parse reads a file: an own key, which would set the prototype of the table it is copied into
    [JSON.parse('{"backends": {"__proto__": {}}}'), /f\.json: backends\.__proto__: option 'name' is '__proto__'/],
    [
      JSON.parse('{"endpoints": {"__proto__": {"route": "/p", "traffic": {"a": 1}}}}'),
      /f\.json: endpoints\.__proto__: option 'name' is '__proto__'/,
    ],
  ];
  for (const [doc, message] of cases)
    assert.throws(() => validateFleetFile(doc, 'f.json'), message, JSON.stringify(doc));
});
