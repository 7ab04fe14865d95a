/** Options of a replica host (the `nestjs-serve replica` command). */
export interface ReplicaHostOptions {
  /** NATS server URL(s). */
  servers: string | string[];
  /** Files that export `@Backend()` classes (compiled JavaScript, or TypeScript with a loader installed). */
  modules: string[];
  /** Serve only these backends (names or class names); default all in `modules`. */
  backends?: string[];
  /** Subject prefix; the same as the app's `cluster.prefix`. Default `'nestjs-serve'`. */
  prefix?: string;
  /** Shown in the app's `listBackends()`. Default `<hostname>:<pid>`. */
  name?: string;
  /** Subject-safe id; default random. */
  id?: string;
  /** NATS `.creds` file. */
  credentialsFile?: string;
  /** Other NATS `connect()` options: `user`, `pass`, `token`, `tls`... */
  connection?: Record<string, unknown>;
  /** How long SIGTERM waits for the replicas to finish their requests before killing them, in ms. Default 30000. */
  drainTimeoutMs?: number;
  /** Where log lines go. Default the console. */
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
}
