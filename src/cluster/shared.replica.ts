import { deserialize, serialize } from 'node:v8';
import type { ReplicaTransport } from '../replicas/replica.interface';
import type { FromReplica, ToReplica } from '../replicas/replica.protocol';
import { ServeError } from '../serve.errors';
import { sharingMessages } from '../messages/sharing.messages';
import { encodeError, failure } from '../replicas/result.codec';
import { sharedLimit, type ClaimedReplica } from './replica.claims';
import { ReplicaOwners, type ReplicaClaim } from './replica.owners';
import { pushTo } from '../utils/map.util';
import { heldOnly } from '../router/model.report';
import { splitModelReport } from './model-report.split';
import type { SharedReplicaStatus } from './shared-replica.status';

export type { ReplicaClaim } from './replica.owners';

/** A user config as compared between apps (`undefined` when there is none). */
export function encodeConfig(has: boolean, config: unknown): string | undefined {
  return has ? Buffer.from(serialize(config)).toString('base64') : undefined;
}

/**
 * One replica on a replica host, shared by the apps of a prefix: each app's claim is an app
 * replica of its own (its key, its ids), multiplexed onto the one replica by renumbering ids both
 * ways. It admits at most `maxConcurrentQueries` calls in flight (the lowest of its apps'): one
 * more is refused at once, without running, with a `refused` outcome the app's router retries.
 * A multiplexed replica's own model reports reach every app, their counts one app only ({@link splitModelReport}).
 */
export class SharedReplica implements ClaimedReplica {
  readonly claims = new Map<string, ReplicaClaim>();
  readonly apps = new Set<string>();
  exiting = false;
  ready = false;
  inFlight = 0;
  maxInFlight = 0;
  refused = 0;
  calls = 0;
  private readonly owners = new ReplicaOwners();
  /** Handle calls the replica made, by its id: the claim whose app answers them. */
  private readonly handles = new Map<number, ReplicaClaim>();
  /** The models the replica last reported holding (a multiplexed one): what an app whose unload it refuses hears. */
  private models?: string[];

  constructor(
    readonly id: string,
    readonly backend: string,
    readonly cpus: number,
    private readonly host: string,
    readonly transport: ReplicaTransport,
    private config: string | undefined,
    /** A claim whose app asked to stop has no call left: detach it and tell its app. */
    private readonly stopped: (claim: ReplicaClaim) => void,
  ) {
    transport.onMessage((batch) => this.fromReplica(batch as FromReplica[]));
  }

  /** Figures for the replica host's status. */
  get status(): SharedReplicaStatus {
    const { id, backend, inFlight, maxInFlight, limit, calls, refused } = this;
    return { id, backend, apps: this.apps.size, inFlight, maxInFlight, maxConcurrentQueries: limit, calls, refused };
  }

  /** The admission limit: the lowest `maxConcurrentQueries` of its claims (changed live by their batching). */
  private get limit(): number {
    return sharedLimit(this.claims.values());
  }

  /** Adds an app's claim; it hears `ready` once the replica is ready (and runs its config). */
  attach(claim: ReplicaClaim): void {
    this.claims.set(claim.key, claim);
    this.apps.add(claim.app);
    if (this.ready) this.welcome(claim);
  }

  /**
   * Removes a claim: its calls still running are cancelled in the replica (their app is gone or
   * killed its replica) and the handle calls it owed answers to fail. True when no claim is left.
   */
  detach(claim: ReplicaClaim): boolean {
    if (this.claims.get(claim.key) !== claim) return this.claims.size === 0;
    this.claims.delete(claim.key);
    if (![...this.claims.values()].some((c) => c.app === claim.app)) this.apps.delete(claim.app);
    const out: ToReplica[] = [];
    for (const id of claim.ids.values()) {
      if (this.owners.get(id)?.call) out.push({ t: 'cancel', id });
      this.ended(id);
    }
    for (const [id, owner] of this.handles) {
      if (owner !== claim) continue;
      this.handles.delete(id);
      out.push({ t: 'handle-result', id, o: failure(new Error(`the app instance that took it left (${claim.app})`)) });
    }
    if (out.length && !this.exiting) this.transport.post(out);
    return this.claims.size === 0;
  }

  /** Messages of one app for the replica. */
  fromApp(claim: ReplicaClaim, batch: ToReplica[]): void {
    const out: ToReplica[] = [];
    const refused: FromReplica[] = [];
    for (const m of batch) {
      switch (m.t) {
        case 'call':
          if (this.inFlight >= this.limit) {
            this.refused++;
            const error = new ServeError('OVERLOADED', sharingMessages.refused(this.id, this.host, this.limit));
            const e = { ...encodeError(error), notStarted: true, refused: true };
            refused.push({ t: 'result', id: m.id, o: { ok: false, e } });
            break;
          }
          this.inFlight++;
          this.calls++;
          this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
          out.push({ t: 'call', id: this.owners.own(claim, m.id, true), m: m.m, r: m.r });
          break;
        case 'reconfigure': {
          const config = encodeConfig(true, m.c);
          // Every instance of a fleet pushes the same config: the replica reconfigures once.
          if (config === this.config && !this.owners.reconfiguring) refused.push({ t: 'reconfigured', id: m.id });
          else {
            this.config = config;
            out.push({ t: 'reconfigure', id: this.owners.own(claim, m.id, false, undefined, true), c: m.c });
          }
          break;
        }
        case 'ping':
          out.push({ t: 'ping', id: this.owners.own(claim, m.id, false) });
          break;
        case 'credit':
        case 'cancel': {
          const id = claim.ids.get(m.id);
          if (id === undefined) break;
          out.push({ ...m, id });
          // A cancelled call's slot is free at once, as in the app (its handler's signal aborts).
          if (m.t === 'cancel') this.ended(id);
          break;
        }
        case 'handle-result':
          this.handles.delete(m.id);
          out.push(m);
          break;
        case 'batching':
          if (m.max !== undefined) claim.limit = m.max;
          out.push(m);
          break;
        case 'handle-stream':
        case 'handle-chunk':
          out.push(m);
          break;
        case 'unload-models': // a copy another instance may still route to is not its to drop: the app hears it stays
          if (this.claims.size === 1) out.push(m);
          else if (this.models) refused.push({ t: 'models', mx: heldOnly(this.models) });
          break;
        case 'stop':
          claim.stopping = true;
          break;
      }
    }
    if (refused.length) claim.send(refused);
    if (out.length && !this.exiting) this.transport.post(out);
    this.settleStopped();
  }

  /** Detaches (through `stopped`) the claims whose app asked to stop and whose calls are all done. */
  private settleStopped(): void {
    for (const claim of [...this.claims.values()]) if (claim.stopping && claim.ids.size === 0) this.stopped(claim);
  }

  /** The replica answered (or the app cancelled) `id`: a call frees its slot. */
  private ended(id: number) {
    const owner = this.owners.ended(id);
    if (owner?.call) this.inFlight--;
    return owner;
  }

  /** A claim's app hears `ready`, after the replica took its config if it differs. */
  private welcome(claim: ReplicaClaim): void {
    if (claim.config === undefined || claim.config === this.config) return claim.send([{ t: 'ready' }]);
    this.config = claim.config;
    const c: unknown = deserialize(Buffer.from(claim.config, 'base64'));
    const id = this.owners.own(
      claim,
      0,
      false,
      (e) => claim.send([e ? { t: 'init-failed', e } : { t: 'ready' }]),
      true,
    );
    this.transport.post([{ t: 'reconfigure', id, c }]);
  }

  private fromReplica(batch: FromReplica[]): void {
    const out = new Map<ReplicaClaim, FromReplica[]>();
    const push = (claim: ReplicaClaim | undefined, m: FromReplica) => {
      if (claim && this.claims.get(claim.key) === claim) pushTo(out, claim, m);
    };
    for (const m of batch) {
      switch (m.t) {
        case 'ready':
          this.ready = true;
          for (const claim of this.claims.values()) this.welcome(claim);
          break;
        case 'init-failed':
          for (const claim of this.claims.values()) push(claim, m);
          break;
        case 'result':
        case 'reconfigured':
        case 'pong': {
          if (m.t === 'result' && m.o.mx) this.models = m.o.mx.held;
          const owner = this.ended(m.id);
          if (owner?.internal) owner.internal(m.t === 'reconfigured' ? m.e : undefined);
          else if (owner) push(owner.claim, { ...m, id: owner.id });
          break;
        }
        case 'stream':
        case 'chunk': {
          const owner = this.owners.get(m.id);
          if (owner) push(owner.claim, { ...m, id: owner.id });
          break;
        }
        case 'handle-call': {
          const claims = [...this.claims.values()];
          const claim = claims.find((c) => !c.stopping) ?? claims[0];
          if (claim) this.handles.set(m.id, claim);
          push(claim, m);
          break;
        }
        case 'models':
          this.models = m.mx.held;
          for (const [claim, mx] of splitModelReport(m.mx, [...this.claims.values()], this.owners.callers()))
            push(claim, { t: 'models', mx });
          break;
        case 'handle-credit':
        case 'handle-cancel':
          push(this.handles.get(m.id), m);
          break;
      }
    }
    for (const [claim, messages] of out) claim.send(messages);
    this.settleStopped();
  }
}
