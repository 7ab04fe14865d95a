import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFleetStatus } from '../../src/cli/fleet-status.render';
import { twoBackends } from '../helpers/fleet.fixtures';

test('endpoints with traffic, backends with config, instances live or not, behind or not', () => {
  const state = twoBackends();
  state.endpoints.e.shadows = { b: 0.25 };
  const now = 100_000;
  const text = renderFleetStatus(
    {
      bucket: 'p-fleet',
      stored: { revision: 4, state },
      instances: [
        {
          id: 'i2',
          name: 'two',
          revision: 3,
          startedAt: 0,
          lastSeen: now - 60_000,
          error: { revision: 3, message: 'boom' },
        },
        { id: 'i1', name: 'one', revision: 4, startedAt: 0, lastSeen: now - 500 },
      ],
    },
    now,
    3000,
  );
  assert.match(text, /^Fleet desired state: revision 4 \(JetStream bucket 'p-fleet'\)/);
  assert.match(text, /e {2}\/e {2}GET\n {4}traffic {2}a 100%, b 0%\n {4}shadows {2}b 25%/);
  assert.match(text, /a {2}export Echo of \/app\/dist\/echo\.backend\.js \(sha256:aaaa\), thread replicas, local/);
  assert.match(text, /numReplicas 1, maxConcurrentQueries 100/);
  assert.match(text, /userConfig none, autoscaling off/);
  assert.match(
    text,
    /Instances \(1 live, 2 heard of\)\n {2}one \(i1\) {2}revision 4 {2}live, last seen 0\.5 s ago\n {2}two \(i2\) {2}revision 3, behind {2}not heard from lately/,
  );
  assert.match(text, /could not apply revision 3: boom/);
  assert.match(
    renderFleetStatus({ bucket: 'p-fleet', instances: [] }, now, 3000),
    /No desired state in JetStream bucket 'p-fleet' yet/,
  );
});
