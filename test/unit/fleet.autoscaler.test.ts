import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { FleetChange } from '../../src/fleet/fleet.change';
import type { FleetInstance, StoredFleetState } from '../../src/fleet/fleet.state';
import type { FleetBackendLoad } from '../../src/interfaces/serve-status.interface';
import { FleetAutoscaler, type FleetAutoscalingHost } from '../../src/module/fleet.autoscaler';
import { resolveAutoscalingConfig } from '../../src/router/autoscaling.policy';
import { backendRecord, twoBackends } from '../helpers/fleet.fixtures';
import type { Logger } from '@nestjs/common';

/** One instance's view of the fleet: its state, lease, own load and the others' heartbeats. */
class FakeHost implements FleetAutoscalingHost {
  isDecider = true;
  readonly label = 'one (i1)';
  stored: StoredFleetState;
  own: FleetBackendLoad = { queued: 0, inFlight: 0, local: true, hosts: [] };
  beats: FleetInstance[] = [];
  readonly written: FleetChange[] = [];
  constructor(numReplicas: number, minReplicas = 1) {
    const state = twoBackends();
    const base = backendRecord();
    const autoscaling = resolveAutoscalingConfig({
      minReplicas,
      maxReplicas: 4,
      upscaleDelayMs: 300,
      downscaleDelayMs: 300,
    });
    state.backends.a = { ...base, config: { ...base.config, numReplicas, autoscaling } };
    this.stored = { revision: 1, state };
  }
  applied(): StoredFleetState {
    return this.stored;
  }
  async decide(change: FleetChange): Promise<void> {
    this.written.push(change);
    this.stored = { revision: this.stored.revision + 1, state: change.apply(this.stored.state) };
  }
  others(): FleetInstance[] {
    return this.beats;
  }
  load(backend: string): FleetBackendLoad | undefined {
    return backend === 'a' ? this.own : undefined;
  }
  /** Another instance's heartbeat, stored now, with `ongoing` requests of backend `a` in flight. */
  beat(id: string, ongoing: number): FleetInstance {
    const backends = { a: { queued: 0, inFlight: ongoing, local: true, hosts: [] } };
    return {
      id,
      name: id,
      revision: 1,
      startedAt: 0,
      lastSeen: Date.now(),
      load: { requests: 0, failed: 0, inFlight: ongoing, queued: 0, backends },
    };
  }
  get replicas(): number {
    return this.stored.state.backends.a.config.numReplicas;
  }
}

/** A logger keeping errors apart from the rest. */
class Lines {
  readonly errors: string[] = [];
  readonly other: string[] = [];
  readonly logger = {
    log: (m: string) => this.other.push(m),
    debug: (m: string) => this.other.push(m),
    error: (m: string) => this.errors.push(m),
  } as unknown as Logger;
}

async function advance(ms: number, host?: FakeHost, others: [string, number][] = []): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    if (host) host.beats = others.map(([id, n]) => host.beat(id, n));
    mock.timers.tick(100);
    await new Promise(setImmediate);
  }
}

describe('fleet autoscaler', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'setTimeout', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test("the decider scales from the fleet's load per site and records who decided, from what", async () => {
    const host = new FakeHost(1);
    const autoscaler = new FleetAutoscaler(host, new Lines().logger, 500);
    autoscaler.sync();
    await advance(1000, host, [
      ['i2', 9],
      ['i3', 0],
    ]);
    assert.equal(host.replicas, 2, '9 ongoing over 3 sites: 3 each, targetOngoingRequests 2');
    const record = host.stored.state.autoscaling!.a;
    assert.equal(record.decidedBy, 'one (i1)');
    assert.deepEqual(record.fleetLoad, { ongoing: 9, sites: 3, perSite: 3, instances: 3 });
    autoscaler.stop();
  });

  test('an instance that is not the decider decides nothing; once it gets the lease it judges fresh evidence only', async () => {
    const host = new FakeHost(1);
    host.isDecider = false;
    const autoscaler = new FleetAutoscaler(host, new Lines().logger, 500);
    autoscaler.sync();
    await advance(1000, host, [['i2', 30]]);
    assert.equal(host.written.length, 0);
    host.isDecider = true;
    autoscaler.sync();
    await advance(200, host, [['i2', 30]]);
    assert.equal(host.written.length, 0, 'no move before upscaleDelayMs of its own evidence');
    await advance(400, host, [['i2', 30]]);
    assert.equal(host.replicas, 4);
    host.isDecider = false;
    autoscaler.sync();
    await advance(1000, host, []);
    assert.equal(host.replicas, 4, 'the lease gone: no scale-down from here');
  });

  test('a count changed by another writer (by hand, from zero) restarts the evidence: no move on samples of the old count', async () => {
    const host = new FakeHost(1);
    const autoscaler = new FleetAutoscaler(host, new Lines().logger, 500);
    autoscaler.sync();
    await advance(200, host, [['i2', 30]]);
    const state = structuredClone(host.stored.state);
    state.backends.a.config.numReplicas = 2;
    host.stored = { revision: host.stored.revision + 1, state };
    autoscaler.sync();
    await advance(200, host, [['i2', 30]]);
    assert.equal(host.written.length, 0);
    await advance(400, host, [['i2', 30]]);
    assert.equal(host.stored.state.autoscaling?.a.from, 2);
    autoscaler.stop();
  });

  test("heartbeats older than maxAgeMs are stale: a dead instance's last load scales nothing", async () => {
    const host = new FakeHost(1);
    const autoscaler = new FleetAutoscaler(host, new Lines().logger, 500);
    host.beats = [host.beat('dead', 40)];
    await advance(600);
    autoscaler.sync();
    await advance(1000);
    assert.equal(host.written.length, 0);
    autoscaler.stop();
  });

  test('a request waiting at zero replicas raises the count to 1 once, on any instance; a count raised meanwhile is no error', async () => {
    const host = new FakeHost(0, 0);
    host.isDecider = false;
    const lines = new Lines();
    const autoscaler = new FleetAutoscaler(host, lines.logger, 500);
    autoscaler.wake('a');
    autoscaler.wake('a');
    await advance(100);
    assert.equal(host.written.length, 1);
    assert.equal(host.replicas, 1);
    assert.equal(host.stored.state.autoscaling!.a.decidedBy, 'one (i1)');
    autoscaler.wake('a');
    assert.equal(host.written.length, 1, 'at 1 already: nothing to raise');
    host.stored.state.backends.a.config.numReplicas = 0;
    const stale = host.decide.bind(host);
    host.decide = async (change) => {
      host.stored.state.backends.a.config.numReplicas = 1;
      await stale(change);
    };
    autoscaler.wake('a');
    await advance(100);
    assert.equal(host.replicas, 1);
    assert.deepEqual(lines.errors, []);
    assert.ok(
      lines.other.some((l) => /not 0 as the autoscaling decision assumed/.test(l)),
      lines.other.join('\n'),
    );
  });
});
