import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { ReplicaHost, type ReplicaHostOptions, type ServeModuleOptions } from '../../src';
import { sharedNats } from './processes';
import { startServeApp, type ServeApp } from './serve-app';

/** A replica host in this test process, started (stopped again if its start fails); quiet unless the options give a `log`. */
export async function startReplicaHost(options: ReplicaHostOptions): Promise<ReplicaHost> {
  const host = new ReplicaHost({ log: () => undefined, ...options });
  try {
    await host.start();
  } catch (err) {
    await host.stop().catch(() => undefined);
    throw err;
  }
  return host;
}

/** An app with a cluster and one replica host in this test process, both on the same NATS server. */
export interface RemoteSuite {
  /** The app, its `cluster` on the suite's NATS server. */
  app: ServeApp;
  /** The replica host, started after the app. */
  host: ReplicaHost;
}

/**
 * One app and one replica host for the tests of the enclosing `describe`, on the shared NATS
 * server (`NATS_URL`, or one of its own) under a fresh subject prefix: started before them (the
 * app first, with `options` and that `cluster`; then the host with `host`), stopped after them.
 * The returned object is filled in once the `before` hook has run.
 */
export function remoteSuite(
  options: ServeModuleOptions,
  host: Omit<ReplicaHostOptions, 'servers' | 'prefix'>,
): RemoteSuite {
  const suite = {} as RemoteSuite;
  let nats: { url: string; stop(): Promise<void> } | undefined;
  before(async () => {
    nats = await sharedNats();
    const prefix = `t${randomBytes(4).toString('hex')}`;
    suite.app = await startServeApp({ ...options, cluster: { servers: nats.url, prefix } });
    suite.host = await startReplicaHost({ servers: nats.url, prefix, ...host });
  });
  after(async () => {
    await suite.host?.stop();
    await suite.app?.close();
    await nats?.stop();
  });
  return suite;
}
