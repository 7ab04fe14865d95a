import 'reflect-metadata';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { lowerPriority } from './replica.priority';
import type { ToReplica, ReplicaInit } from './replica.protocol';
import { ReplicaRuntime } from './replica.runtime';

/** Entry of every replica: a worker thread gets its init as workerData, a process as its first message. */
if (!isMainThread && parentPort) {
  const port = parentPort;
  lowerPriority((workerData as ReplicaInit).nice);
  const runtime = new ReplicaRuntime((batch) => port.postMessage(batch), workerData as ReplicaInit);
  port.on('message', (batch: ToReplica[]) => runtime.receive(batch));
  void runtime.start();
} else {
  let runtime: ReplicaRuntime | undefined;
  process.on('disconnect', () => process.exit(0));
  process.on('message', (batch: ToReplica[]) => {
    if (runtime) return runtime.receive(batch);
    const first = batch[0];
    if (first?.t !== 'init') return;
    lowerPriority(first.init.nice);
    runtime = new ReplicaRuntime((out) => process.send!(out), first.init);
    void runtime.start();
  });
}
