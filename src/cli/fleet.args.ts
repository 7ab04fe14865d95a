import { parseArgs } from 'node:util';
import { CONNECTION_OPTIONS, connectionArgs, type ConnectionArgs } from './connection.args';
import { SUBJECT_TOKEN } from '../serve.constants';
import { UsageError } from './usage.error';

/** What `nestjs-serve status` and `nestjs-serve apply` were asked to do. */
export interface FleetArgs extends ConnectionArgs {
  command: 'status' | 'apply';
  prefix: string;
  json: boolean;
  /** apply: the file. */
  file?: string;
  prune: boolean;
  dryRun: boolean;
  /** apply: how long to wait for every live instance to apply the change. */
  timeoutMs: number;
}

export const FLEET_USAGE = `Usage: nestjs-serve status [--json] [options]
       nestjs-serve apply <file.json|file.yaml> [--prune] [--dry-run] [options]

status  prints the fleet's desired state (endpoints, backends) and its app instances.
apply   merges the file into the desired state (compare-and-set); every instance applies it.
        The file has the shape of the desired state ('status --json' prints it under "state"):
        { "endpoints": { "<name>": { "route", "methods", "traffic", "shadows" } },
          "backends": { "<name>": { "config": { "numReplicas", "userConfig", ... } } } }

Options:
  --servers <url,...>  NATS server(s) (default: $NATS_URL or nats://127.0.0.1:4222)
  --prefix <prefix>    the apps' cluster.prefix (default: nestjs-serve)
  --json               status: print JSON
  --prune              apply: also delete endpoints and backends the file does not list
  --dry-run            apply: print the plan and write nothing
  --timeout-ms <ms>    apply: wait this long for every live instance to apply it (default: 30000)
  --creds <file>, --user <user>, --token <token>, --tls-ca/--tls-cert/--tls-key <file>: as for 'replica'
  -h, --help           this text
`;

/** The options of `status` and `apply` beyond {@link CONNECTION_OPTIONS}. */
export const FLEET_OPTIONS = {
  json: { type: 'boolean' },
  prune: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the command line of `nestjs-serve status` / `nestjs-serve apply`. */
export function parseFleetArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): FleetArgs {
  const { values, positionals } = strictParse(() =>
    parseArgs({ args: argv, allowPositionals: true, options: { ...CONNECTION_OPTIONS, ...FLEET_OPTIONS } }),
  );
  if (values.help) throw new UsageError('');
  const [command, file, ...rest] = positionals;
  if (command !== 'status' && command !== 'apply') throw new UsageError(`Unknown command '${command}'.`);
  if (command === 'status' && file) throw new UsageError(`status takes no file (got '${file}').`);
  if (command === 'apply' && !file) throw new UsageError('apply needs a file: nestjs-serve apply fleet.json');
  if (rest.length) throw new UsageError(`Unexpected argument(s): ${rest.join(' ')}.`);
  if (command === 'status' && (values.prune || values['dry-run']))
    throw new UsageError('--prune and --dry-run go with apply, not status.');
  const timeout = values['timeout-ms'] ?? '30000';
  if (!(Number(timeout) >= 0)) throw new UsageError(`--timeout-ms is '${timeout}'; expected a number of ms >= 0.`);
  const connection = connectionArgs(values, env);
  if (connection.prefix !== undefined && !connection.prefix.split('.').every((t) => SUBJECT_TOKEN.test(t)))
    throw new UsageError(
      `--prefix '${connection.prefix}' is not a cluster.prefix an app can have: give the apps' cluster.prefix (dot-separated tokens of letters, digits, '_' and '-').`,
    );
  return {
    ...connection,
    command,
    prefix: connection.prefix ?? 'nestjs-serve',
    json: values.json ?? false,
    file,
    prune: values.prune ?? false,
    dryRun: values['dry-run'] ?? false,
    timeoutMs: Number(timeout),
  };
}

/**
 * Runs `parse` (a `parseArgs` call), turning its errors (unknown option, missing or unexpected
 * value) into a {@link UsageError}, so they print the usage and exit 2 instead of a stack trace.
 */
export function strictParse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw err;
    throw new UsageError((err as Error).message);
  }
}
