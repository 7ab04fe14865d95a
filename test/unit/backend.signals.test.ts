import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackendSignals } from '../../src/backend/backend.signals';
import type { ReplicaEntry } from '../../src/backend/replica.lifecycle';
import { ServeSignals } from '../../src/signals/serve.signals';
import { recordingLogger } from '../helpers/backend.fixture';

function entry(id: string, state: ReplicaEntry['state'] = 'ready', lastPong = Date.now()): ReplicaEntry {
  const site = {
    site: { id: 'local', name: 'local', start: () => undefined as never },
    starting: new Set(),
    failures: 0,
    removed: false,
  };
  return {
    id,
    state,
    number: 1,
    lastPong,
    readyAt: 0,
    served: 3,
    inFlight: 1,
    accepting: true,
    site,
    replica: { kind: 'thread' },
  } as unknown as ReplicaEntry;
}

test('events with log lines: started, died, restarted (counted once, naming both), stopped, config, scaled', () => {
  const app = new ServeSignals();
  const logger = recordingLogger();
  const signals = new BackendSignals('m', app.backend('m'), app.events, logger);
  const first = entry('m#1');
  signals.replicaStarted(first);
  signals.replicaDied(first, 'exit code 137');
  signals.replicaStarted(entry('m#2'));
  signals.replicaStopped(entry('m#2'));
  signals.configRolledOut(['userConfig']);
  signals.configRolledOut([]);
  signals.scaled(1, 3);
  signals.scaled(3, 3);
  assert.deepEqual(
    app.events.recent().map((e) => e.type),
    [
      'replica-started',
      'replica-died',
      'replica-started',
      'replica-restarted',
      'replica-stopped',
      'config-rolled-out',
      'scaled',
    ],
  );
  assert.equal(app.backend('m').restarts, 1);
  assert.match(app.backend('m').lastError!.message, /m#1 died \(exit code 137\)/);
  const lines = JSON.stringify(logger);
  for (const text of [
    'm#1 started',
    'm#2 started to replace m#1',
    'm#2 stopped',
    'userConfig rolled out',
    'scaled from 1 to 3',
  ]) {
    assert.ok(lines.includes(text), text);
  }
});

test('status: replica states (late pong is UNHEALTHY), vitals, figures, state and reason', () => {
  const app = new ServeSignals();
  const signals = new BackendSignals('m', app.backend('m'), app.events, recordingLogger());
  const ready = entry('m#1');
  signals.replicaStarted(ready);
  const late = entry('m#2', 'ready', Date.now() - 10_000);
  const status = signals.status({
    running: [ready, late, entry('m#3', 'draining')],
    starting: [entry('m#4', 'starting')],
    targetReplicas: 3,
    cpusPerReplica: 1,
    queued: 2,
    inFlight: 1,
    refused: 4,
    lateAfterMs: 5_000,
    codeVersion: 'sha256:1a2b3c4d',
  });
  assert.deepEqual(
    status.replicas.map((r) => r.state),
    ['READY', 'UNHEALTHY', 'STOPPING', 'STARTING'],
  );
  assert.deepEqual(
    [status.figures.queued, status.figures.inFlight, status.figures.refused, status.targetReplicas],
    [2, 1, 4, 3],
  );
  assert.equal(status.state, 'UNHEALTHY');
  assert.match(status.reason, /Backend 'm' has 1 of 3 replicas ready/);
  assert.equal(status.events.length, 1);
  assert.deepEqual(
    [status.codeVersion, status.version],
    ['sha256:1a2b3c4d', 'sha256:1a2b3c4d'],
    'version: the old name',
  );
  signals.replicaStartFailed('m#5', 'no weights');
  const failed = signals.status({
    running: [],
    starting: [],
    targetReplicas: 1,
    cpusPerReplica: 1,
    queued: 0,
    inFlight: 0,
    refused: 0,
    lateAfterMs: 5_000,
    codeVersion: 'sha256:1a2b3c4d',
  });
  assert.equal(failed.state, 'DEPLOY_FAILED');
  assert.match(failed.reason, /m#5 failed to start \(no weights\)/);
});

test("a failed start is logged with the replica's own stack, so its frames name the backend's file", () => {
  const app = new ServeSignals();
  const logger = recordingLogger();
  const signals = new BackendSignals('m', app.backend('m'), app.events, logger);
  signals.replicaStartFailed('m#1', 'no weights', 'Error: no weights\n    at new Model (/app/model.backend.ts:12:11)');
  signals.replicaStartFailed('m#2', 'did not become ready');
  assert.deepEqual(logger.lines, [
    "Backend 'm': Replica m#1 failed to start: no weights\nError: no weights\n    at new Model (/app/model.backend.ts:12:11)",
    "Backend 'm': Replica m#2 failed to start: did not become ready",
  ]);
});
