import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noRequests, type BackendLoad } from '../../src/backend/backend.status';
import { instanceLoad } from '../../src/module/instance.load';

const backend = (counts: Partial<Record<string, number>>, inFlight: number, queued: number, more = {}) => ({
  load: (): BackendLoad => ({
    requests: { ...noRequests(), ...counts },
    queued,
    inFlight,
    autoscaled: false,
    hosts: ['local'],
    ...more,
  }),
});

test("an instance's figures add up its backends; cancelled requests are not answers", () => {
  const load = instanceLoad([
    backend({ succeeded: 10, failed: 1, timedOut: 2, cancelled: 5 }, 3, 0),
    backend({ succeeded: 4, rejected: 1, replicaLost: 1 }, 1, 7),
  ]);
  assert.deepEqual(load, { requests: 19, failed: 5, inFlight: 4, queued: 7 });
  assert.deepEqual(instanceLoad([]), { requests: 0, failed: 0, inFlight: 0, queued: 0 });
});

test('autoscaled backends are reported one by one, with the sites they run on; the others only in the totals', () => {
  const scaled = {
    ...backend({ succeeded: 1 }, 2, 3, { autoscaled: true, hosts: ['local', 'gpu-1'] }),
    name: 'scaled',
  };
  const plain = { ...backend({}, 1, 1), name: 'plain' };
  assert.deepEqual(instanceLoad([scaled, plain]), {
    requests: 1,
    failed: 0,
    inFlight: 3,
    queued: 4,
    backends: { scaled: { queued: 3, inFlight: 2, local: true, hosts: ['gpu-1'] } },
  });
});
