import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplicaResourceLimits } from '../interfaces/backend-config.interface';
import { ChannelReplica } from './channel.replica';
import type { Replica, ReplicaEvents, ReplicaPlacement } from './replica.interface';
import type { ReplicaInit } from './replica.protocol';
import { createProcessTransport } from './process.transport';
import { createThreadTransport } from './thread.transport';

/** How to start one replica. */
export interface ReplicaSpec {
  placement: ReplicaPlacement;
  init: ReplicaInit;
  env?: Record<string, string>;
  resourceLimits?: ReplicaResourceLimits;
}

/** The replica's entry script: compiled JavaScript, or the TypeScript source under a TS loader. */
const ENTRY = ['replica.entry.js', 'replica.entry.ts'].map((file) => join(__dirname, file)).find((file) => existsSync(file))!;

/** Starts a replica of the requested placement; await its `ready`. */
export function startReplica(spec: ReplicaSpec, events: ReplicaEvents): Replica {
  const transport =
    spec.placement === 'process'
      ? createProcessTransport(ENTRY, spec.init, { env: spec.env, resourceLimits: spec.resourceLimits })
      : createThreadTransport(ENTRY, spec.init, { env: spec.env, resourceLimits: spec.resourceLimits });
  return new ChannelReplica(spec.init.replicaId, spec.placement, transport, events);
}
