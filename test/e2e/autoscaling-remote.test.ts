import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import autocannon from 'autocannon';
import { ReplicaHost } from '../../src';
import { startReplicaHost } from '../helpers/replica-host';
import { sharedNats } from '../helpers/processes';
import { startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';
import { BusyBackend } from '../fixtures/autoscale.backend';

/** Autoscaling with replicas in the app and on a replica host: counts are per site, the load is shared. */
describe('autoscaling across sites', () => {
  const prefix = `a${randomBytes(4).toString('hex')}`;
  let nats: { url: string; stop(): Promise<void> };
  let s: ServeApp;
  let host: ReplicaHost | undefined;
  let base: string;
  const ready = (site: string) =>
    s.serve.listBackends().spread?.replicas.filter((r) => r.state === 'ready' && r.host === site).length ?? 0;

  before(async () => {
    nats = await sharedNats();
    s = await startServeApp({ backends: [], cluster: { servers: nats.url, prefix } });
    await s.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(s.app.getHttpServer().address() as { port: number }).port}`;
    host = await startReplicaHost({
      servers: nats.url,
      prefix,
      name: 'scaler-host',
      modules: [join(__dirname, '..', 'fixtures', 'autoscale.backend.ts')],
    });
  });

  after(async () => {
    await host?.stop();
    await s?.close();
    await nats?.stop();
  });

  test('each site scales up under load and back down after it; a replica host leaving leaves the count alone', async (t) => {
    await s.serve.createBackend('spread', BusyBackend, {
      placement: 'both',
      autoscaling: {
        minReplicas: 1,
        maxReplicas: 2,
        targetOngoingRequests: 2,
        upscaleDelayMs: 300,
        downscaleDelayMs: 1500,
      },
    });
    await s.serve.createEndpoint('spread', { backend: 'spread', route: '/spread' });
    await waitFor('one replica on each site', () => ready('local') === 1 && ready('scaler-host') === 1, 15_000);
    const busy = await autocannon({ url: `${base}/spread?ms=5`, connections: 12, duration: 4, timeout: 10 });
    const peak = {
      local: ready('local'),
      remote: ready('scaler-host'),
      numReplicas: s.serve.getBackendConfig('spread').numReplicas,
    };
    t.diagnostic(
      `12 connections for 4 s over 2 sites: ${busy.requests.total} requests, ${busy.non2xx} non-2xx; at the end ${JSON.stringify(peak)}`,
    );
    assert.equal(busy.non2xx + busy.errors + busy.timeouts, 0);
    assert.equal(peak.numReplicas, 2, 'the load of 6 ongoing per site asks for 2 per site (max)');
    await waitFor('2 replicas on each site', () => ready('local') === 2 && ready('scaler-host') === 2, 10_000);
    await waitFor('back to 1 per site', () => s.serve.getBackendConfig('spread').numReplicas === 1, 8000);
    await host!.stop();
    host = undefined;
    await waitFor('the replica host gone', () => ready('scaler-host') === 0, 10_000);
    assert.equal(
      s.serve.getBackendConfig('spread').numReplicas,
      1,
      'a site leaving does not change the per-site count',
    );
    assert.equal(ready('local'), 1);
    await s.serve.deleteEndpoint('spread');
    await s.serve.deleteBackend('spread');
  });
});
