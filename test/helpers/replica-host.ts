import { ReplicaHost, type ReplicaHostOptions } from '../../src';

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
