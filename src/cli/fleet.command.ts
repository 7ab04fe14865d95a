import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { FleetKvStore } from '../cluster/fleet-kv.store';
import { ackVerdict, instanceLabel } from '../fleet/ack.verdict';
import { planApply } from '../fleet/apply.plan';
import { parseFleetFile, type YamlParser } from '../fleet/fleet-file.parser';
import type { FleetFile } from '../fleet/fleet-file.validator';
import type { FleetStore } from '../fleet/fleet.store';
import { RevisionConflict } from '../fleet/revision.conflict';
import { cliMessages } from '../messages/cli.messages';
import { isServeError } from '../serve.errors';
import { renderApplyPlan } from './apply-plan.render';
import type { FleetArgs } from './fleet.args';
import { renderFleetStatus } from './fleet-status.render';
import { fleetStoreMessages } from '../messages/fleet-store.messages';

/** An instance is live while its heartbeat is at most this old (3 default heartbeat periods, as the apps judge it). */
const LIVE_WINDOW_MS = 3000;
const POLL_MS = 100;
/** How long a store read or write retries a NATS server that answers late. */
const STORE_RETRY_MS = 2000;

/** Exit codes of `status` and `apply`. */
export const EXIT = { ok: 0, failed: 1, invalid: 2, conflict: 3 } as const;

/** Where the command writes: standard output and standard error. */
export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

/**
 * `nestjs-serve status` and `nestjs-serve apply` against the fleet's store: the same
 * {@link FleetStore} (JetStream key-value) the app instances use. `apply` writes with
 * compare-and-set on the revision it planned against and then waits for every live instance
 * to report that revision applied; it never loads a backend class.
 */
export class FleetCommand {
  constructor(
    private readonly store: FleetStore,
    private readonly bucket: string,
    private readonly io: CommandOutput = { out: console.log, err: console.error },
    private readonly liveWindowMs = LIVE_WINDOW_MS,
  ) {}

  /** Reads the file (apply), connects, runs the command; resolves with the exit code. */
  static async run(args: FleetArgs, io?: CommandOutput): Promise<number> {
    const output = io ?? { out: console.log, err: console.error };
    let file: FleetFile | undefined;
    if (args.command === 'apply') {
      try {
        file = parseFleetFile(readText(args.file!), args.file!, loadYaml);
      } catch (err) {
        output.err((err as Error).message);
        return EXIT.invalid;
      }
    }
    let nc: NatsConnection;
    try {
      nc = await connect(args);
    } catch (err) {
      output.err(cliMessages.unreachable(args.servers.join(','), (err as Error).message));
      return EXIT.failed;
    }
    try {
      const store = await FleetKvStore.open(nc, args.prefix, 10_000, STORE_RETRY_MS);
      if (!(store instanceof FleetKvStore)) {
        // The store's own messages speak to an app instance (it keeps a local state); the CLI cannot.
        if (store.reason === 'no-jetstream')
          output.err(fleetStoreMessages.cliNoJetStream(args.command, nc.getServer()));
        else if (store.reason === 'no-client') output.err(fleetStoreMessages.cliKvClientMissing(args.command));
        else output.err(store.message);
        return store.reason === 'bad-prefix' ? EXIT.invalid : EXIT.failed;
      }
      const command = new FleetCommand(store, store.bucket, output);
      return args.command === 'status' ? await command.status(args.json) : await command.apply(file!, args.file!, args);
    } catch (err) {
      output.err(fleetStoreMessages.cliFailed(args.command, (err as Error).message));
      return EXIT.failed;
    } finally {
      await nc.close();
    }
  }

  /** Prints the desired state and the instances, as text or JSON. */
  async status(json: boolean): Promise<number> {
    const [stored, instances] = [await this.store.read(), await this.store.instances()];
    const now = Date.now();
    if (json) {
      const listed = instances.map((i) => ({ ...i, live: now - i.lastSeen <= this.liveWindowMs }));
      const report = { bucket: this.bucket, revision: stored?.revision ?? 0, state: stored?.state, instances: listed };
      this.io.out(JSON.stringify(report, null, 2));
    } else this.io.out(renderFleetStatus({ bucket: this.bucket, stored, instances }, now, this.liveWindowMs));
    return EXIT.ok;
  }

  /** Plans `file` against the current state, prints the plan, and (unless a dry run) writes and waits. */
  async apply(
    file: FleetFile,
    name: string,
    options: { prune: boolean; dryRun: boolean; timeoutMs: number },
  ): Promise<number> {
    const current = await this.store.read();
    let plan;
    try {
      plan = planApply(current, file, options.prune, name);
    } catch (err) {
      if (!isServeError(err)) throw err;
      this.io.err(err.message);
      return err.code === 'CONFLICT' ? EXIT.conflict : EXIT.invalid;
    }
    this.io.out(renderApplyPlan(plan, name, options.dryRun));
    if (options.dryRun || !plan.changes.length) return EXIT.ok;
    let revision: number;
    try {
      revision = current ? await this.store.update(plan.state, current.revision) : await this.store.create(plan.state);
    } catch (err) {
      if (isServeError(err) && err.code === 'PAYLOAD_TOO_LARGE') {
        this.io.err(`${name}: ${err.message}`);
        return EXIT.invalid;
      }
      if (!(err instanceof RevisionConflict)) throw err;
      const latest = await this.store.read().catch(() => undefined);
      this.io.err(cliMessages.conflict(plan.base, latest?.revision));
      return EXIT.conflict;
    }
    return this.awaitApplied(revision, options.timeoutMs);
  }

  /** Waits until every live instance reports `revision` applied; says which failed or lag. */
  private async awaitApplied(revision: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const instances = await this.store.instances();
      const verdict = ackVerdict(instances, revision, Date.now(), this.liveWindowMs);
      if (verdict.state === 'applied') {
        const live = instances.filter((i) => Date.now() - i.lastSeen <= this.liveWindowMs).length;
        this.io.out(`Written at revision ${revision}; applied by every live instance (${live}).`);
        return EXIT.ok;
      }
      if (verdict.state === 'failed') {
        const failures = verdict.failed.map((i) => `${instanceLabel(i)} failed: ${i.error?.message}`);
        this.io.err(cliMessages.failedOn(revision, failures));
        return EXIT.failed;
      }
      if (Date.now() >= deadline) {
        const lagging = verdict.lagging.map((i) => `${instanceLabel(i)} at revision ${i.revision}`);
        this.io.err(cliMessages.lagging(revision, lagging, timeoutMs));
        return EXIT.failed;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(cliMessages.unreadable(file, (err as Error).message), { cause: err });
  }
}

/** The optional peer `yaml`, or undefined when it is not installed. */
function loadYaml(): YamlParser | undefined {
  try {
    return require('yaml') as YamlParser;
  } catch {
    return undefined;
  }
}

async function connect(args: FleetArgs): Promise<NatsConnection> {
  let client: typeof import('@nats-io/transport-node');
  try {
    client = require('@nats-io/transport-node') as typeof import('@nats-io/transport-node');
  } catch {
    throw new Error('the NATS client is not installed: npm install @nats-io/transport-node @nats-io/kv');
  }
  return client.connect({
    ...args.connection,
    ...(args.credentialsFile ? { authenticator: client.credsAuthenticator(readFileSync(args.credentialsFile)) } : {}),
    servers: args.servers,
    name: 'nestjs-serve cli',
    timeout: 5000,
    noAsyncTraces: true,
  });
}
