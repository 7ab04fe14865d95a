import { UsageError } from './usage.error';

/** The NATS options every command takes. */
export const CONNECTION_OPTIONS = {
  servers: { type: 'string' },
  prefix: { type: 'string' },
  creds: { type: 'string' },
  user: { type: 'string' },
  token: { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
} as const;

/** How to reach NATS, from the parsed options and the environment. */
export interface ConnectionArgs {
  servers: string[];
  prefix?: string;
  credentialsFile?: string;
  connection: Record<string, unknown>;
}

/** Reads {@link CONNECTION_OPTIONS} (and $NATS_URL, $NATS_USER, $NATS_PASSWORD, $NATS_TOKEN). */
export function connectionArgs(values: Record<string, unknown>, env: NodeJS.ProcessEnv): ConnectionArgs {
  const v = values as Partial<Record<keyof typeof CONNECTION_OPTIONS, string>>;
  const connection: Record<string, unknown> = {};
  const user = v.user ?? env.NATS_USER;
  if (user) Object.assign(connection, { user, pass: env.NATS_PASSWORD });
  const token = v.token ?? env.NATS_TOKEN;
  if (token) connection.token = token;
  if (v['tls-ca'] || v['tls-cert'] || v['tls-key']) {
    if (!v['tls-cert'] !== !v['tls-key']) throw new UsageError('--tls-cert and --tls-key go together (mutual TLS).');
    connection.tls = { caFile: v['tls-ca'], certFile: v['tls-cert'], keyFile: v['tls-key'] };
  }
  return {
    servers: (v.servers ?? env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',').map((s) => s.trim()),
    prefix: v.prefix,
    credentialsFile: v.creds,
    connection,
  };
}
