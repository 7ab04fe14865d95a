import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SOAK_BASE_REPLICAS, SOAK_PROCESS, SOAK_THREAD, soakChangeAt } from '../../bench/servers/soak.plan';
import { parseSoakArgs } from '../../bench/lib/soak.args';

test('changes cycle user config, traffic, scale up, scale down, alternating backends', () => {
  assert.deepEqual(soakChangeAt(0), { kind: 'userConfig', backend: SOAK_PROCESS, userConfig: { version: 1 } });
  assert.deepEqual(soakChangeAt(1), { kind: 'traffic', traffic: { [SOAK_THREAD]: 0.25, [SOAK_PROCESS]: 0.75 } });
  assert.deepEqual(soakChangeAt(2), { kind: 'scale', backend: SOAK_PROCESS, numReplicas: SOAK_BASE_REPLICAS + 1 });
  assert.deepEqual(soakChangeAt(3), { kind: 'scale', backend: SOAK_PROCESS, numReplicas: SOAK_BASE_REPLICAS });
  assert.deepEqual(soakChangeAt(4), { kind: 'userConfig', backend: SOAK_THREAD, userConfig: { version: 5 } });
  assert.deepEqual(soakChangeAt(6), { kind: 'scale', backend: SOAK_THREAD, numReplicas: SOAK_BASE_REPLICAS + 1 });
});

test('every traffic split sums to 1 exactly and every fourth step leaves both backends at rest', () => {
  const replicas = new Map([
    [SOAK_THREAD, SOAK_BASE_REPLICAS],
    [SOAK_PROCESS, SOAK_BASE_REPLICAS],
  ]);
  for (let step = 0; step < 48; step++) {
    const change = soakChangeAt(step);
    if (change.kind === 'traffic') {
      assert.equal(
        Object.values(change.traffic).reduce((a, b) => a + b, 0),
        1,
      );
    }
    if (change.kind === 'scale') replicas.set(change.backend, change.numReplicas);
    if (step % 4 === 3) assert.deepEqual([...replicas.values()], [SOAK_BASE_REPLICAS, SOAK_BASE_REPLICAS]);
  }
});

test('soak options: 10 minutes by default, --minutes and --seconds, bad values refused', () => {
  assert.deepEqual(parseSoakArgs([]), { seconds: 600, heapSnapshots: false });
  assert.equal(parseSoakArgs(['--minutes', '2']).seconds, 120);
  assert.equal(parseSoakArgs(['--seconds', '30']).seconds, 30);
  assert.deepEqual(parseSoakArgs(['--rate', '400', '--heap-snapshots', '--out', '-']), {
    seconds: 600,
    rate: 400,
    heapSnapshots: true,
    out: '-',
  });
  assert.throws(() => parseSoakArgs(['--seconds', '0']), /positive number/);
  assert.throws(() => parseSoakArgs(['--bogus']), /unknown option --bogus/);
});
