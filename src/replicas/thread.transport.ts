import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { ReplicaTransport } from './replica.interface';
import type { ReplicaInit, ToReplica } from './replica.protocol';
import { decodeFromReplica, encodeToReplica, type WireBatch } from './batch.codec';

/** A replica in a worker thread of this process. */
export function createThreadTransport(
  entry: string,
  init: ReplicaInit,
  options: { env?: Record<string, string>; resourceLimits?: ResourceLimits },
): ReplicaTransport {
  const worker = new Worker(entry, {
    workerData: init,
    env: options.env ? { ...process.env, ...options.env } : undefined,
    resourceLimits: options.resourceLimits,
    name: init.replicaId,
  });
  let lastError: Error | undefined;
  worker.on('error', (err) => (lastError = err));
  return {
    post: (batch) => worker.postMessage(encodeToReplica(batch as ToReplica[])),
    onMessage: (listener) => worker.on('message', (wire: WireBatch) => listener(decodeFromReplica(wire))),
    onExit: (listener) =>
      worker.once('exit', (code) => listener(lastError ?? new Error(`thread exited with code ${code}`))),
    kill: () => void worker.terminate(),
  };
}
