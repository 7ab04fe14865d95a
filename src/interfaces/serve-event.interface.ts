import type { ReplicaKind } from './backend-config.interface';

/** Kinds of {@link ServeEvent}. */
export type ServeEventType =
  | 'replica-started'
  | 'replica-start-failed'
  | 'replica-died'
  | 'replica-restarted'
  | 'replica-stopped'
  | 'config-rolled-out'
  | 'scaled'
  | 'rollout-step';

/** Fields every event has. */
export interface ServeEventBase {
  /** What happened. */
  type: ServeEventType;
  /** When, in ms since the epoch. */
  at: number;
  /** The backend it is about. */
  backend: string;
  /** The replica it is about, if one. */
  replica?: string;
  /** One line a person reads, naming backend and replica. */
  message: string;
}

/** A replica became ready. */
export interface ReplicaStartedEvent extends ServeEventBase {
  type: 'replica-started';
  replica: string;
  /** Where it runs. */
  site: string;
  /** Thread or process. */
  kind: ReplicaKind;
}

/** A replica could not start (its constructor or `reconfigure` threw, its module failed to load...). */
export interface ReplicaStartFailedEvent extends ServeEventBase {
  type: 'replica-start-failed';
  replica: string;
  /** Why it did not start. */
  reason: string;
}

/** A replica went away without being asked (crash, OOM, kill, failed health checks). */
export interface ReplicaDiedEvent extends ServeEventBase {
  type: 'replica-died';
  replica: string;
  /** Why, as far as the host knows. */
  reason: string;
}

/** A replacement replica was started for one that died. */
export interface ReplicaRestartedEvent extends ServeEventBase {
  type: 'replica-restarted';
  /** The new replica. */
  replica: string;
  /** The replica it replaces. */
  replaces: string;
}

/** A replica was stopped on purpose (scale-down, deletion, shutdown). */
export interface ReplicaStoppedEvent extends ServeEventBase {
  type: 'replica-stopped';
  replica: string;
}

/** A new user config reached every replica of the backend. */
export interface ConfigRolledOutEvent extends ServeEventBase {
  type: 'config-rolled-out';
  /** The config keys that changed (`userConfig`, `maxConcurrentQueries`, ...). */
  changed: string[];
}

/** The target replica count changed. */
export interface ScaledEvent extends ServeEventBase {
  type: 'scaled';
  /** Replicas before. */
  from: number;
  /** Replicas now wanted. */
  to: number;
  /** Why: `config` (numReplicas changed) or `autoscaling`. */
  cause: 'config' | 'autoscaling';
}

/** A guarded rollout moved (or put back) an endpoint's traffic. */
export interface RolloutStepEvent extends ServeEventBase {
  type: 'rollout-step';
  /** The endpoint whose traffic moved. */
  endpoint: string;
  /** The candidate backend's share now (0..1). */
  weight: number;
  /** `step` (moved on), `promoted` (done) or `rolled-back`. */
  outcome: 'step' | 'promoted' | 'rolled-back';
}

/** Something that happened to a backend, as the status and the page list it. */
export type ServeEvent =
  | ReplicaStartedEvent
  | ReplicaStartFailedEvent
  | ReplicaDiedEvent
  | ReplicaRestartedEvent
  | ReplicaStoppedEvent
  | ConfigRolledOutEvent
  | ScaledEvent
  | RolloutStepEvent;
