import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { messages } from '../serve.messages';

/** How to reach the NATS server. */
export interface ConnectionSettings {
  servers: string | string[];
  name: string;
  credentialsFile?: string;
  connection?: Record<string, unknown>;
}

/** What a {@link ClusterConnection} reports. */
export interface ConnectionEvents {
  /**
   * Connected (`fresh`: a new connection, which needs its subscriptions made), or reconnected
   * after an outage (the client renews the subscriptions it had).
   */
  up(nc: NatsConnection, fresh: boolean): void;
  /** The server went away; the client keeps trying to reconnect. */
  down(reason: string): void;
  log(level: 'log' | 'warn' | 'error', message: string): void;
}

const RETRY_MS = 1000;
const FLUSH_ON_CLOSE_MS = 1000;

/**
 * A NATS connection that never gives up: the first connect is retried every second, later
 * outages are retried by the client itself, and every change is reported as `up` / `down`.
 * The NATS client is loaded only here, so apps without `cluster` never need it.
 */
export class ClusterConnection {
  private nc?: NatsConnection;
  private closing = false;
  private retryTimer?: NodeJS.Timeout;
  private warned = false;
  private isUp = false;
  private readonly client = loadClient();

  /** Throws when `@nats-io/transport-node` is not installed. */
  constructor(
    private readonly settings: ConnectionSettings,
    private readonly events: ConnectionEvents,
  ) {}

  /**
   * Runs the handling of one NATS message: a throw inside a subscription callback would stop the
   * client reading, so it is logged (and `answer`ed, for a request) instead.
   */
  guard(subject: string, handle: () => void, answer?: (why: string) => void): void {
    try {
      handle();
    } catch (err) {
      const why = (err as Error).message;
      this.events.log('warn', messages.clusterMessageFailed(subject, why));
      answer?.(why);
    }
  }

  /** Connects in the background; resolves after the first attempt (connected or not). */
  async start(): Promise<void> {
    if (this.closing) return;
    const { connect, credsAuthenticator } = this.client;
    const { servers, name, credentialsFile, connection } = this.settings;
    try {
      const nc = await connect({
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        ...connection,
        ...(credentialsFile ? { authenticator: credsAuthenticator(readFileSync(credentialsFile)) } : {}),
        servers,
        name,
        noAsyncTraces: true,
      });
      if (this.closing) return void (await nc.close());
      this.nc = nc;
      this.warned = false;
      this.isUp = true;
      this.events.log('log', messages.clusterConnected(nc.getServer()));
      this.watch(nc);
      this.events.up(nc, true);
    } catch (err) {
      if (!this.warned) this.events.log('warn', messages.clusterUnreachable(String(servers), (err as Error).message));
      this.warned = true;
      this.retryTimer = setTimeout(() => void this.start(), RETRY_MS);
      this.retryTimer.unref();
    }
  }

  private watch(nc: NatsConnection): void {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' && this.isUp) {
          this.isUp = false;
          this.events.down(messages.clusterLost());
        } else if (status.type === 'reconnect' && !this.isUp) {
          this.isUp = true;
          this.events.log('log', messages.clusterConnected(nc.getServer()));
          this.events.up(nc, false);
        }
      }
    })();
    void nc.closed().then(() => {
      if (this.isUp) this.events.down(messages.clusterLost());
      this.isUp = false;
      if (!this.closing) void this.start();
    });
  }

  /** Sends what is pending (for at most a second) and closes. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    const nc = this.nc;
    this.isUp = false;
    if (!nc || nc.isClosed()) return;
    // Not drain(): it can wait forever on a connection that has been through a reconnect, and by
    // now nothing is left to receive.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      nc.flush().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, FLUSH_ON_CLOSE_MS))),
    ]);
    clearTimeout(timer);
    await nc.close().catch(() => undefined);
  }
}

function loadClient(): typeof import('@nats-io/transport-node') {
  try {
    return require('@nats-io/transport-node') as typeof import('@nats-io/transport-node');
  } catch {
    throw new Error(messages.natsClientMissing());
  }
}
