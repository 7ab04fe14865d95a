import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sumFleetLoad } from '../../src/fleet/fleet-load.sum';
import type { FleetBackendLoad } from '../../src/interfaces/serve-status.interface';

const NOW = 100_000;
const part = (queued: number, inFlight: number, local = true, hosts: string[] = []): FleetBackendLoad => ({
  queued,
  inFlight,
  local,
  hosts,
});
const beat = (backends: Record<string, FleetBackendLoad> | undefined, age = 0) => ({
  lastSeen: NOW - age,
  load: { requests: 0, failed: 0, inFlight: 0, queued: 0, ...(backends ? { backends } : {}) },
});

test('the load of every instance adds up, divided by one local site per instance', () => {
  const load = sumFleetLoad(
    'a',
    part(2, 4),
    [beat({ a: part(0, 0) }), beat({ a: part(1, 5), b: part(9, 9) })],
    NOW,
    500,
  );
  assert.deepEqual(load, { ongoing: 12, sites: 3, perSite: 4, instances: 3 });
});

test('a replica host counts once however many instances use it; placement remote has no local site', () => {
  const load = sumFleetLoad(
    'a',
    part(3, 3, false, ['gpu-1']),
    [beat({ a: part(2, 2, false, ['gpu-1', 'gpu-2']) }), beat({ a: part(0, 2, true, ['gpu-1']) })],
    NOW,
    500,
  );
  assert.deepEqual(load, { ongoing: 12, sites: 3, perSite: 4, instances: 3 });
});

test('stale heartbeats and instances that do not report the backend add nothing', () => {
  const load = sumFleetLoad(
    'a',
    part(1, 1),
    [beat({ a: part(50, 50) }, 501), beat(undefined), beat({ b: part(1, 1) })],
    NOW,
    500,
  );
  assert.deepEqual(load, { ongoing: 2, sites: 1, perSite: 2, instances: 1 });
});

test('no site anywhere (the decider runs none and nobody reported): the load is not divided by zero', () => {
  assert.deepEqual(sumFleetLoad('a', undefined, [], NOW, 500), { ongoing: 0, sites: 0, perSite: 0, instances: 0 });
  assert.equal(sumFleetLoad('a', part(3, 0, false), [], NOW, 500).perSite, 3);
});
