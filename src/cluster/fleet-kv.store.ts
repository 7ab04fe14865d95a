import { createHash } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV, KvEntry } from '@nats-io/kv';
import type { JetStreamManager } from '@nats-io/jetstream';
import { FLEET_STATE_FORMAT, type FleetBeat, type FleetState, type StoredFleetState } from '../fleet/fleet.state';
import type { FleetStore, FleetWatch } from '../fleet/fleet.store';
import { RevisionConflict } from '../fleet/revision.conflict';
import { fleetMessages } from '../messages/fleet.messages';
import type { FleetInstance } from '../fleet/fleet.state';
import type { LeaseHolder, LeaseStore } from '../fleet/lease.store';
import { isServeError, ServeError } from '../serve.errors';
import { fleetStoreMessages } from '../messages/fleet-store.messages';

const DESIRED = 'desired';
const DECIDER = 'decider';
/** JetStream's "wrong last sequence": a compare-and-set write lost. */
const WRONG_LAST_SEQUENCE = 10071;
const RETRY_MS = 250;
/** NATS's limit on a stream name; a bucket's stream is `KV_<bucket>`, the longest bucket `<base>-instances`. */
const MAX_STREAM_NAME = 255;
const MAX_BASE = MAX_STREAM_NAME - 'KV_'.length - '-instances'.length;
const BUCKET_SAFE = /^[A-Za-z0-9_-]+$/;

/** Why a fleet store could not be opened on a connection. */
export type FleetStoreUnavailable = { reason: 'no-jetstream' | 'no-client' | 'bad-prefix'; message: string };

/**
 * The stem of the fleet's bucket names for `prefix`: the prefix itself when a bucket name can hold
 * it (so existing buckets keep their names); otherwise the prefix with those characters replaced by
 * `_` and a short hash of the prefix appended, so that `a.b` and `a_b` never share a fleet.
 */
export function fleetBucketBase(prefix: string): string {
  if (BUCKET_SAFE.test(prefix)) return prefix;
  const hash = createHash('sha256').update(prefix).digest('hex').slice(0, 8);
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}_${hash}`;
}

/**
 * The fleet's store in NATS JetStream's key-value store: bucket `<prefix>-fleet` holds the desired
 * state as one JSON document under the key `desired` (its revision is the stream sequence), and
 * bucket `<prefix>-instances` each instance's heartbeat under its id (entries expire after
 * `instanceTtlMs`). Reads and writes retry a failing server for up to `retryForMs` (a NATS restart
 * makes JetStream answer late), never a lost compare-and-set.
 */
export class FleetKvStore implements FleetStore, LeaseStore {
  private constructor(
    private readonly kv: KV,
    private readonly beats: KV,
    /** The bucket of the desired state, for messages. */
    readonly bucket: string,
    private readonly retryForMs: number,
    private readonly jsm: JetStreamManager,
    private readonly beatsStream: string,
    private readonly lease: KV,
    private readonly maxPayload: () => number | undefined,
  ) {}

  /** Opens (creating if needed) the two buckets; tells why not when the server has no JetStream. */
  static async open(
    nc: NatsConnection,
    prefix: string,
    instanceTtlMs: number,
    retryForMs: number,
    leaseTtlMs = 3000,
  ): Promise<FleetKvStore | FleetStoreUnavailable> {
    let kvModule: typeof import('@nats-io/kv');
    let jsModule: typeof import('@nats-io/jetstream');
    try {
      kvModule = require('@nats-io/kv') as typeof import('@nats-io/kv');
      jsModule = require('@nats-io/jetstream') as typeof import('@nats-io/jetstream');
    } catch {
      return { reason: 'no-client', message: fleetMessages.kvClientMissing() };
    }
    const base = fleetBucketBase(prefix);
    if (base.length > MAX_BASE) {
      const max = BUCKET_SAFE.test(prefix) ? MAX_BASE : MAX_BASE - (base.length - prefix.length);
      return { reason: 'bad-prefix', message: fleetStoreMessages.fleetPrefixTooLong(prefix, max, MAX_STREAM_NAME) };
    }
    let jsm: JetStreamManager;
    try {
      jsm = await jsModule.jetstreamManager(nc, { checkAPI: true });
    } catch (err) {
      if (/not enabled/i.test((err as Error).message) || (err as Error).name === 'JetStreamNotEnabled')
        return { reason: 'no-jetstream', message: fleetMessages.noJetStream(nc.getServer()) };
      throw err;
    }
    const kvm = new kvModule.Kvm(nc);
    // create() fails on a bucket that exists with other settings; open() then takes it as it is.
    // When open() fails too, the bucket is missing and create()'s error is the one that says why.
    const bucket = async (name: string, options: { history?: number; ttl?: number }) =>
      kvm.create(name, options).catch((err: Error) =>
        kvm.open(name).catch(() => {
          throw new Error(fleetStoreMessages.fleetBucketFailed(name, err.message), { cause: err });
        }),
      );
    const kv = await bucket(`${base}-fleet`, { history: 10 });
    const instances = await bucket(`${base}-instances`, { history: 1, ttl: instanceTtlMs });
    const lease = await bucket(`${base}-lease`, { history: 1, ttl: leaseTtlMs });
    const maxPayload = () => nc.info?.max_payload;
    return new FleetKvStore(kv, instances, `${base}-fleet`, retryForMs, jsm, `KV_${base}-instances`, lease, maxPayload);
  }

  read(): Promise<StoredFleetState | undefined> {
    return this.retrying(async () => {
      const entry = await this.kv.get(DESIRED);
      return entry && entry.operation === 'PUT' ? decodeState(entry) : undefined;
    });
  }

  /** Rejects with {@link RevisionConflict} when the key exists, with `PAYLOAD_TOO_LARGE` over NATS's max_payload. */
  create(state: FleetState): Promise<number> {
    const json = JSON.stringify(state);
    return this.retrying(() => this.kv.create(DESIRED, json).catch(this.refused(json, 0)));
  }

  /** Rejects with {@link RevisionConflict} when the key moved on, with `PAYLOAD_TOO_LARGE` over NATS's max_payload. */
  update(state: FleetState, revision: number): Promise<number> {
    const json = JSON.stringify(state);
    return this.retrying(() => this.kv.update(DESIRED, json, revision).catch(this.refused(json, revision)));
  }

  async watch(afterRevision: number, seen: (stored: StoredFleetState) => void): Promise<FleetWatch> {
    const iterator = await this.kv.watch({
      key: DESIRED,
      ...(afterRevision > 0 ? { resumeFromRevision: afterRevision + 1 } : {}),
    });
    return consume(iterator, (entry) => {
      if (entry.operation === 'PUT') seen(decodeState(entry));
    });
  }

  async beat(beat: FleetBeat): Promise<void> {
    await this.beats.put(beat.id, JSON.stringify(beat));
  }

  async forget(id: string): Promise<void> {
    await this.beats.delete(id);
  }

  instances(): Promise<FleetInstance[]> {
    return this.retrying(async () => {
      // The stream's own subject list, one request: a key-listing consumer can wait forever when a
      // heartbeat expires between its creation and its first message.
      const info = await this.jsm.streams.info(this.beatsStream, { subjects_filter: '>' });
      const prefix = `$KV.${this.beatsStream.slice(3)}.`;
      const keys = Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
      const found: FleetInstance[] = [];
      for (const key of keys) {
        const entry = await this.beats.get(key);
        if (entry?.operation === 'PUT')
          found.push({ ...(entry.json<FleetBeat>() as FleetBeat), lastSeen: entry.created.getTime() });
      }
      return found;
    });
  }

  async watchInstances(seen: (id: string, instance: FleetInstance | undefined) => void): Promise<FleetWatch> {
    const iterator = await this.beats.watch();
    return consume(iterator, (entry) => {
      if (entry.operation !== 'PUT') return seen(entry.key, undefined);
      seen(entry.key, { ...(entry.json<FleetBeat>() as FleetBeat), lastSeen: entry.created.getTime() });
    });
  }

  async acquireLease(holder: LeaseHolder): Promise<number | undefined> {
    return this.lease.create(DECIDER, JSON.stringify(holder)).catch(lost);
  }

  async renewLease(holder: LeaseHolder, revision: number): Promise<number | undefined> {
    return this.lease.update(DECIDER, JSON.stringify(holder), revision).catch(lost);
  }

  async leaseHolder(): Promise<LeaseHolder | undefined> {
    const entry = await this.lease.get(DECIDER);
    return entry?.operation === 'PUT' ? entry.json<LeaseHolder>() : undefined;
  }

  async releaseLease(revision: number): Promise<void> {
    await this.lease.delete(DECIDER, { previousSeq: revision }).catch(() => undefined);
  }

  /** The error a write of `json` failed with, as the callers know it. */
  private refused(json: string, revision: number): (err: unknown) => never {
    return (err) => {
      if (isWrongLastSequence(err)) throw new RevisionConflict(revision);
      if (!/max_payload/.test((err as Error).message ?? '')) throw err;
      const size = Buffer.byteLength(json);
      throw new ServeError('PAYLOAD_TOO_LARGE', fleetStoreMessages.fleetStateTooLarge(size, this.maxPayload()), {
        cause: err,
      });
    };
  }

  private async retrying<T>(op: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.retryForMs;
    for (;;) {
      try {
        return await op();
      } catch (err) {
        if (err instanceof RevisionConflict || isServeError(err) || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}

function decodeState(entry: KvEntry): StoredFleetState {
  const state = entry.json<FleetState>();
  if (state.format !== FLEET_STATE_FORMAT)
    throw new Error(`the fleet's desired state has format ${state.format}; this version reads ${FLEET_STATE_FORMAT}`);
  return { revision: entry.revision, state };
}

/** JetStream's answer to a compare-and-set write that lost: the key moved on since the revision given. */
function isWrongLastSequence(err: unknown): boolean {
  const e = err as { code?: number; message?: string; api_error?: { err_code?: number } };
  return (
    e.code === WRONG_LAST_SEQUENCE ||
    e.api_error?.err_code === WRONG_LAST_SEQUENCE ||
    /wrong last sequence/.test(e.message ?? '')
  );
}

/** A compare-and-set write of the lease that lost resolves undefined; other errors are thrown. */
function lost(err: unknown): undefined {
  if (isWrongLastSequence(err)) return undefined;
  throw err;
}

function consume(iterator: AsyncIterable<KvEntry> & { stop(): void }, each: (entry: KvEntry) => void): FleetWatch {
  const ended = (async () => {
    try {
      for await (const entry of iterator) {
        try {
          each(entry);
        } catch {
          // A foreign or unreadable entry: skipped (the periodic read reports an unreadable state).
        }
      }
    } catch {
      // The watch broke (reconnect, server restart): `ended` lets the owner start a new one.
    }
  })();
  return { stop: () => iterator.stop(), ended };
}
