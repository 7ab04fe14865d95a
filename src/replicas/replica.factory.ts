import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelReplica } from './channel.replica';
import { LOCAL_HOST, type ReplicaSite, type ReplicaSpec, type ReplicaTransport } from './replica.interface';
import { createProcessTransport } from './process.transport';
import { createThreadTransport } from './thread.transport';

/** The replica's entry script: compiled JavaScript, or the TypeScript source under a TS loader. */
const ENTRY = ['replica.entry.js', 'replica.entry.ts']
  .map((file) => join(__dirname, file))
  .find((file) => existsSync(file))!;

/** Starts a thread or process of this machine running the replica runtime. */
export function startLocalTransport(spec: ReplicaSpec): ReplicaTransport {
  const options = { env: spec.env, resourceLimits: spec.resourceLimits };
  return spec.kind === 'process'
    ? createProcessTransport(ENTRY, spec.init, options)
    : createThreadTransport(ENTRY, spec.init, options);
}

/** This app's own threads and processes. */
export const localSite: ReplicaSite = {
  id: LOCAL_HOST,
  name: LOCAL_HOST,
  start: (spec, events) => new ChannelReplica(spec.init.replicaId, spec.kind, startLocalTransport(spec), events),
};
