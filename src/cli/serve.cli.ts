#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ReplicaHost } from '../cluster/replica-host.agent';
import type { ReplicaHostOptions } from '../cluster/replica-host.options';
import { CONNECTION_OPTIONS, connectionArgs } from './connection.args';
import { FLEET_OPTIONS, FLEET_USAGE, parseFleetArgs, strictParse } from './fleet.args';
import { FleetCommand } from './fleet.command';
import { UsageError } from './usage.error';

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

const REPLICA_OPTIONS = {
  module: { type: 'string', multiple: true },
  backend: { type: 'string', multiple: true },
  name: { type: 'string' },
  id: { type: 'string' },
  'drain-timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the command line of `nestjs-serve replica` into replica host options. */
export function parseReplicaArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ReplicaHostOptions {
  const { values, positionals } = strictParse(() =>
    parseArgs({ args: argv, allowPositionals: true, options: { ...CONNECTION_OPTIONS, ...REPLICA_OPTIONS } }),
  );
  if (values.help) throw new UsageError('');
  if (positionals[0] !== 'replica' || positionals.length > 1)
    throw new UsageError(
      `Unknown command '${positionals.join(' ')}': the commands are 'replica', 'status' and 'apply'.`,
    );
  if (!values.module?.length)
    throw new UsageError(
      '--module is required: the file that exports your @Backend() classes, e.g. --module ./dist/sentiment.backend.js',
    );
  const { servers, prefix, credentialsFile, connection } = connectionArgs(values, env);
  const drain = values['drain-timeout-ms'];
  if (drain !== undefined && !(Number(drain) >= 0))
    throw new UsageError(`--drain-timeout-ms is '${drain}'; expected a number of ms >= 0.`);
  return {
    servers,
    modules: values.module,
    backends: values.backend,
    prefix,
    name: values.name,
    id: values.id,
    credentialsFile,
    connection,
    drainTimeoutMs: drain === undefined ? undefined : Number(drain),
  };
}

/**
 * The command of a command line: its first positional argument, wherever the options stand
 * (`--servers <url> status` names `status`, not the URL). Lenient, as each command's own parser
 * reports what is wrong.
 */
export function commandName(argv: string[]): string | undefined {
  const options = { ...CONNECTION_OPTIONS, ...FLEET_OPTIONS, ...REPLICA_OPTIONS };
  return parseArgs({ args: argv, allowPositionals: true, strict: false, options }).positionals[0];
}

async function main(): Promise<void> {
  const command = commandName(process.argv.slice(2));
  if (command === 'status' || command === 'apply') return fleet();
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

/** Beyond apply's own wait: the time a connection, a read and a write may take. */
const WATCHDOG_MARGIN_MS = 20_000;

/** `nestjs-serve status` and `nestjs-serve apply`: exits 0, 1 (failed), 2 (usage, bad file) or 3 (conflict). */
async function fleet(): Promise<void> {
  let code: number;
  try {
    const args = parseFleetArgs(process.argv.slice(2));
    // A server that stops answering mid-command must not leave an operator's shell or a CI job waiting.
    const watchdog = setTimeout(() => {
      console.error(
        `nestjs-serve ${args.command}: no answer from the NATS server(s) ${args.servers.join(',')} within ${args.timeoutMs + WATCHDOG_MARGIN_MS} ms; check the server and retry (an apply may or may not have been written: run 'nestjs-serve status').`,
      );
      process.exit(1);
    }, args.timeoutMs + WATCHDOG_MARGIN_MS);
    watchdog.unref();
    code = await FleetCommand.run(args);
  } catch (err) {
    const message = (err as Error).message;
    if (!(err instanceof UsageError)) throw err;
    (message ? console.error : console.log)(message ? `${message}\n\n${FLEET_USAGE}` : FLEET_USAGE);
    code = message ? 2 : 0;
  }
  // Exit now, once the output is flushed: after a failed connect the NATS client can keep a socket
  // (to a server that accepted and never spoke) holding the event loop open.
  process.stdout.write('', () => process.exit(code));
}

if (require.main === module) void main();
