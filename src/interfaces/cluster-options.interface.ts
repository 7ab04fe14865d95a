/**
 * NATS connection settings passed through to `@nats-io/transport-node`'s `connect()`: user and
 * password, token, TLS, an authenticator (e.g. `credsAuthenticator`), reconnect tuning.
 * `servers` and `name` are set from {@link ClusterOptions}.
 */
export type NatsConnectionOptions = Record<string, unknown>;

/**
 * `ServeModule.forRoot({ cluster })`: run replicas on other hosts too, through a NATS server.
 * Replica hosts (`npx nestjs-serve replica ...`) join over it, and backends with
 * `placement: 'remote'` or `'both'` start replicas on them.
 */
export interface ClusterOptions {
  /** NATS server URL(s), e.g. `'nats://127.0.0.1:4222'`. */
  servers: string | string[];
  /** Subject prefix shared by the app and its replica hosts; apps on one NATS keep apart with their own. Default `'nestjs-serve'`. */
  prefix?: string;
  /** A NATS `.creds` file (JWT and NKey seed) to authenticate with. */
  credentialsFile?: string;
  /** Anything else for the NATS client's `connect()`: `user`, `pass`, `token`, `tls`, `authenticator`... */
  connection?: NatsConnectionOptions;
  /** How often each replica host is pinged, in ms. Default 250. */
  heartbeatPeriodMs?: number;
  /** A replica host that has not answered pings for this long is dropped (its requests answer 503), in ms. Default 1000. */
  heartbeatTimeoutMs?: number;
  /** Name of this app in the NATS server's connection list, and of this instance in the fleet. Default `nestjs-serve host <hostname>`. */
  name?: string;
  /**
   * The fleet: every instance of the app sharing one desired state in NATS JetStream's key-value
   * store (when the server offers JetStream). `false` keeps each instance's state its own.
   */
  fleet?: FleetOptions | false;
}

/** `cluster.fleet`: how instances of the app share their desired state. */
export interface FleetOptions {
  /** How often an instance stores its heartbeat (and checks it applied the latest state), in ms. Default 1000. */
  heartbeatPeriodMs?: number;
  /** How long a change waits for every live instance to apply it before it rejects with TIMEOUT, in ms. Default 30000. */
  applyTimeoutMs?: number;
  /** How long `app.init()` waits for NATS at start before serving its own declarations, in ms. Default 5000. */
  startTimeoutMs?: number;
}
