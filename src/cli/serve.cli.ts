#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ReplicaHost } from '../cluster/replica-host.agent';
import type { ReplicaHostOptions } from '../cluster/replica-host.options';

const USAGE = `Usage: nestjs-serve replica --servers <nats-url> --module <file> [options]

Runs replicas of the @Backend() classes exported by --module for the Nest apps that use
ServeModule.forRoot({ cluster }) with the same NATS server and prefix.

Options:
  --servers <url,...>      NATS server(s) (default: $NATS_URL or nats://127.0.0.1:4222)
  --module <file>          file exporting @Backend() classes; repeat for several
  --backend <name>         serve only this backend (name or class name); repeatable
  --prefix <prefix>        subject prefix, as the app's cluster.prefix (default: nestjs-serve)
  --name <name>            name shown in the app's listBackends() (default: <hostname>:<pid>)
  --id <id>                subject-safe id (default: random)
  --creds <file>           NATS credentials file (JWT + NKey seed)
  --user <user>            NATS user ($NATS_USER); password from $NATS_PASSWORD
  --token <token>          NATS token ($NATS_TOKEN)
  --tls-ca <file>          CA certificate to verify the NATS server
  --tls-cert <file>        client certificate (with --tls-key) for mutual TLS
  --tls-key <file>         client key
  --drain-timeout-ms <ms>  on SIGTERM, how long requests in flight may take (default: 30000)
  -h, --help               this text
`;

/** Parses the command line of `nestjs-serve replica` into replica host options. */
export function parseReplicaArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ReplicaHostOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      servers: { type: 'string' },
      module: { type: 'string', multiple: true },
      backend: { type: 'string', multiple: true },
      prefix: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
      creds: { type: 'string' },
      user: { type: 'string' },
      token: { type: 'string' },
      'tls-ca': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'drain-timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new UsageError('');
  if (positionals[0] !== 'replica' || positionals.length > 1)
    throw new UsageError(`Unknown command '${positionals.join(' ')}': the command is 'replica'.`);
  if (!values.module?.length)
    throw new UsageError(
      '--module is required: the file that exports your @Backend() classes, e.g. --module ./dist/sentiment.backend.js',
    );
  const connection: Record<string, unknown> = {};
  const user = values.user ?? env.NATS_USER;
  if (user) Object.assign(connection, { user, pass: env.NATS_PASSWORD });
  const token = values.token ?? env.NATS_TOKEN;
  if (token) connection.token = token;
  if (values['tls-ca'] || values['tls-cert'] || values['tls-key']) {
    if (!values['tls-cert'] !== !values['tls-key'])
      throw new UsageError('--tls-cert and --tls-key go together (mutual TLS).');
    connection.tls = { caFile: values['tls-ca'], certFile: values['tls-cert'], keyFile: values['tls-key'] };
  }
  const drain = values['drain-timeout-ms'];
  if (drain !== undefined && !(Number(drain) >= 0))
    throw new UsageError(`--drain-timeout-ms is '${drain}'; expected a number of ms >= 0.`);
  return {
    servers: (values.servers ?? env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',').map((s) => s.trim()),
    modules: values.module,
    backends: values.backend,
    prefix: values.prefix,
    name: values.name,
    id: values.id,
    credentialsFile: values.creds,
    connection,
    drainTimeoutMs: drain === undefined ? undefined : Number(drain),
  };
}

class UsageError extends Error {}

async function main(): Promise<void> {
  let options: ReplicaHostOptions;
  try {
    options = parseReplicaArgs(process.argv.slice(2));
  } catch (err) {
    const message = (err as Error).message;
    (message ? console.error : console.log)(message ? `${message}\n\n${USAGE}` : USAGE);
    process.exit(message ? 2 : 0);
  }
  const host = new ReplicaHost(options);
  try {
    await host.start();
  } catch (err) {
    console.error(`[nestjs-serve replica host ${host.name}] cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(
    `[nestjs-serve replica host ${host.name}] serving ${host.backends.join(', ')}; waiting for apps on ${String(options.servers)}.`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(
      `[nestjs-serve replica host ${host.name}] ${signal}: draining (apps finish the requests in flight here), then exiting.`,
    );
    void host.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) void main();
