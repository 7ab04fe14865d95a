import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instanceLoad } from '../../src/module/instance.load';

const backend = (counts: Partial<Record<string, number>>, inFlight: number, queued: number) => ({
  describe: () => ({
    requests: { succeeded: 0, failed: 0, timedOut: 0, rejected: 0, replicaLost: 0, cancelled: 0, ...counts },
  }),
  inFlight,
  queued,
});

test("an instance's figures add up its backends; cancelled requests are not answers", () => {
  const load = instanceLoad([
    backend({ succeeded: 10, failed: 1, timedOut: 2, cancelled: 5 }, 3, 0),
    backend({ succeeded: 4, rejected: 1, replicaLost: 1 }, 1, 7),
  ]);
  assert.deepEqual(load, { requests: 19, failed: 5, inFlight: 4, queued: 7 });
  assert.deepEqual(instanceLoad([]), { requests: 0, failed: 0, inFlight: 0, queued: 0 });
});
