import 'reflect-metadata';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { lowerPriority } from './replica.priority';
import type { ToReplica, ReplicaInit } from './replica.protocol';
import { ReplicaRuntime } from './replica.runtime';
import { decodeToReplica, encodeFromReplica, type WireBatch } from './batch.codec';
import { setReplicaContext } from './replica.context';

/** What `replicaContext()` returns in this replica; before the backend's module loads. */
function enterReplica(init: ReplicaInit): void {
  lowerPriority(init.nice);
  // An app of an older version sends no budget: 1, the default.
  const cpus = init.cpus ?? 1;
  setReplicaContext({
    backend: init.backend,
    replica: init.replicaId,
    kind: isMainThread ? 'process' : 'thread',
    cpus,
  });
}

// Stacks from the backend's code (a constructor that throws) then name its source files and lines when it
// runs compiled; a TypeScript loader already running maps them itself (swc-node's own map store would be bypassed).
if (!require.extensions['.ts']) process.setSourceMapsEnabled(true);

/** Entry of every replica: a worker thread gets its init as workerData, a process as its first message. */
if (!isMainThread && parentPort) {
  const port = parentPort;
  enterReplica(workerData as ReplicaInit);
  const runtime = new ReplicaRuntime((batch) => port.postMessage(encodeFromReplica(batch)), workerData as ReplicaInit);
  port.on('message', (wire: WireBatch) => runtime.receive(decodeToReplica(wire)));
  void runtime.start();
} else {
  let runtime: ReplicaRuntime | undefined;
  process.on('disconnect', () => process.exit(0));
  process.on('message', (wire: WireBatch) => {
    const batch: ToReplica[] = decodeToReplica(wire);
    if (runtime) return runtime.receive(batch);
    const first = batch[0];
    if (first?.t !== 'init') return;
    enterReplica(first.init);
    runtime = new ReplicaRuntime((out) => process.send!(encodeFromReplica(out)), first.init);
    void runtime.start();
  });
}
