import type { ReplicaKind, ReplicaResourceLimits } from '../interfaces/backend-config.interface';
import type { ReplicaInit } from '../replicas/replica.protocol';

/**
 * Version of the app ↔ replica host protocol. 2: replica hosts share one backend's replicas among
 * the apps of a prefix and refuse calls over `maxConcurrentQueries` (a `refused` outcome). Both
 * sides check it: a mismatched peer is refused with a message naming both versions.
 */
export const CLUSTER_PROTOCOL = 2;

/** A replica host announces itself (on start, on reconnect, when asked) or says goodbye (SIGTERM). */
export interface AgentAnnouncement {
  type: 'hello' | 'bye';
  /** Subject-safe id of the replica host, stable for its life. */
  agent: string;
  /** Random per process: a replica host restarted under the same id is a new one. */
  instance: string;
  /** Shown in `listBackends()`, e.g. `gpu-box-1:4242`. */
  name: string;
  /** Backend names (from `@Backend({ name })`) and class names the replica host can run. */
  names: string[];
  classes: string[];
  /** {@link CLUSTER_PROTOCOL} of the replica host; absent before version 2. */
  protocol?: number;
}

/** The app pings a replica host with the replicas it has there; the replica host stops any other of that app's. */
export interface AgentPing {
  /** Id of the app that pings. */
  app: string;
  replicas: string[];
  /** The replica host stops this app's replicas when no ping came for this long. */
  leaseMs: number;
}

/** Answer to a ping. */
export interface AgentPong {
  instance: string;
}

/** App → replica host control. */
export type AgentControl =
  | {
      op: 'start';
      /** Id of the app that starts the replica. */
      app: string;
      key: string;
      kind: ReplicaKind;
      init: ReplicaInit;
      env?: Record<string, string>;
      resourceLimits?: ReplicaResourceLimits;
      /** {@link CLUSTER_PROTOCOL} of the app. */
      protocol: number;
      /** The backend's `maxConcurrentQueries`: the replica host refuses calls beyond it (the lowest of its apps'). */
      maxConcurrentQueries: number;
    }
  | { op: 'kill'; app: string; key: string };

/** Answer to a control message. */
export type ControlReply = { ok: true } | { ok: false; error: string };

/** Replica host → app, next to the replica's own messages: the replica is gone. */
export interface RelayExit {
  t: 'exit';
  e: string;
}

/** NATS subjects, all under one prefix. Tokens (backend names, ids) must not contain `.`, `*`, `>` or spaces. */
export function clusterSubjects(prefix: string) {
  return {
    /** hello / bye of replica hosts. */
    agents: `${prefix}.agents`,
    /** An app asks every replica host to announce itself. */
    discover: `${prefix}.discover`,
    ping: (agent: string) => `${prefix}.agent.${agent}.ping`,
    control: (agent: string) => `${prefix}.agent.${agent}.ctl`,
    /** Messages to one replica: its backend's name is in the subject, so NATS permissions can scope a replica host to its backends. */
    toReplica: (backend: string, key: string) => `${prefix}.b.${backend}.${key}`,
    /** Messages from one replica back to its app. */
    toApp: (app: string, key: string) => `${prefix}.h.${app}.${key}`,
    /** Reply subject of batch `seq` to a replica: only NATS writes to it, when nobody received the batch ("no responders"). */
    undelivered: (app: string, key: string, seq: number) => `${prefix}.h.${app}.${key}.${seq}`,
    appInbox: (app: string) => `${prefix}.h.${app}.>`,
  };
}

/** The subjects of one prefix. */
export type ClusterSubjects = ReturnType<typeof clusterSubjects>;

export { SUBJECT_TOKEN } from '../serve.constants';

/** Default subject prefix. */
export const DEFAULT_CLUSTER_PREFIX = 'nestjs-serve';
