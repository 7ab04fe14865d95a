import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { BackendDeployment } from '../../src/backend/backend.deployment';
import { ServeResponse } from '../../src/http/serve-response';
import { resolveAutoscalingConfig } from '../../src/router/autoscaling.policy';
import { isServeError } from '../../src/serve.errors';
import { config, definition, flush, recordingLogger, request, results, settings } from '../helpers/backend.fixture';
import { FakeSite } from '../helpers/fake.replica';

describe('BackendDeployment', () => {
  test('starts its local replicas, routes a request and decodes the answer', async () => {
    const site = new FakeSite();
    const deployment = new BackendDeployment(definition(), config({ numReplicas: 2 }), settings(site));
    await deployment.start();
    const r = results();
    deployment.router.submit('call', request('hi'), r.done);
    site.replicas[0].answer(undefined, { value: new ServeResponse({ status: 201, body: 'made' }) });
    const result = r.list[0];
    assert.ok(result.ok && ServeResponse.is(result.value));
    assert.equal(result.value.status, 201);
    await deployment.stop(0);
  });

  test('describe() shows config and state in the typed shape of listBackends()', async () => {
    const site = new FakeSite();
    const deployment = new BackendDeployment(definition(), config({ numReplicas: 1 }), settings(site));
    await deployment.start();
    const r = results();
    deployment.router.submit('call', request(), r.done);
    const status = deployment.describe();
    assert.equal(status.status, 'running');
    assert.equal(status.numReplicas, 1);
    assert.equal(status.inFlight, 1);
    assert.deepEqual(status.hosts, ['local']);
    assert.deepEqual(status.replicas, [
      { id: 'echo#1', host: 'local', replica: 'thread', state: 'ready', inFlight: 1, served: 0 },
    ]);
    site.replicas[0].answer();
    assert.deepEqual(deployment.describe().requests, {
      succeeded: 1,
      failed: 0,
      timedOut: 0,
      rejected: 0,
      replicaLost: 0,
      cancelled: 0,
    });
    await deployment.stop(0);
    assert.equal(deployment.describe().status, 'stopped');
  });

  test('load() reads what describe() shows of its counts and sites, and whether it is autoscaled', async () => {
    const site = new FakeSite();
    const autoscaling = resolveAutoscalingConfig({ minReplicas: 1, maxReplicas: 2 });
    const limits = { autoscaling, maxConcurrentQueries: 1 };
    const deployment = new BackendDeployment(definition(), config(limits), settings(site));
    await deployment.start();
    const r = results();
    for (let i = 0; i < 3; i++) deployment.router.submit('call', request(), r.done);
    site.replicas[0].answer();
    const { requests, queued, inFlight, hosts } = deployment.describe();
    assert.deepEqual(deployment.load(), { requests, queued, inFlight, hosts, autoscaled: true });
    assert.deepEqual([requests.succeeded, inFlight, queued, hosts], [1, 1, 1, ['local']]);
    await deployment.stop(0);
    const plain = new BackendDeployment(definition(), config(), settings(new FakeSite()));
    assert.equal(plain.load().autoscaled, false);
  });

  test('a replica that cannot start fails start() and stops the ones that did', async () => {
    const site = new FakeSite('local', 'local', false);
    const deployment = new BackendDeployment(definition(), config({ numReplicas: 2 }), settings(site));
    const started = deployment.start();
    site.replicas[0].becomeReady();
    site.replicas[1].failStart(new Error('model file missing'));
    await assert.rejects(started, /model file missing/);
    assert.equal(site.replicas[0].stopped, true);
  });

  test('stop() lets requests in flight finish, then refuses new ones', async () => {
    const site = new FakeSite();
    const deployment = new BackendDeployment(definition(), config(), settings(site));
    await deployment.start();
    const r = results();
    deployment.router.submit('call', request('in flight'), r.done);
    const stopped = deployment.stop(1_000);
    deployment.router.submit('call', request('late'), r.done);
    assert.ok(!r.list[0].ok && r.list[0].error.code === 'SHUT_DOWN');
    site.replicas[0].answer(undefined, { value: 'finished' });
    await stopped;
    assert.ok(r.list[1].ok && r.list[1].value === 'finished');
    assert.equal(site.replicas[0].stopped, true);
  });

  test('a local-only backend ignores replica hosts; a remote one starts numReplicas on each', async () => {
    const local = new BackendDeployment(definition(), config(), settings(new FakeSite()));
    const remote = new BackendDeployment(
      definition('gpu', 'remote'),
      config({ numReplicas: 2 }),
      settings(new FakeSite()),
    );
    await Promise.all([local.start(), remote.start()]);
    const host = new FakeSite('h1', 'gpu-box');
    local.addSite(host);
    remote.addSite(host);
    await flush();
    assert.deepEqual(
      host.replicas.map((x) => x.id),
      ['gpu#1', 'gpu#2'],
    );
    assert.deepEqual(remote.describe().hosts, ['gpu-box']);
    await Promise.all([local.stop(0), remote.stop(0)]);
  });

  test(
    'a reconfigure that never settles rejects after replicaStartTimeoutMs, keeps the old userConfig and serves again',
    { timeout: 5_000 },
    async () => {
      const site = new FakeSite();
      const logger = recordingLogger();
      const deployment = new BackendDeployment(
        definition(),
        config({ numReplicas: 1, userConfig: { hang: false } }),
        settings(site, { replicaStartTimeoutMs: 100, logger }),
      );
      await deployment.start();
      const stuck = site.replicas[0];
      stuck.reconfigure = () => new Promise(() => undefined);
      const update = deployment.reconfigure({ hang: true }).catch((err: unknown) => err);
      await flush();
      const r = results();
      deployment.router.submit('call', request('meanwhile'), r.done);
      const error = await update;
      assert.ok(isServeError(error) && error.code === 'TIMEOUT', String(error));
      assert.match(
        error.message,
        /Backend 'echo'.*replica echo#1 did not settle within 100 ms \(replicaStartTimeoutMs\)/,
      );
      assert.deepEqual(deployment.describe().userConfig, { hang: false });
      assert.ok(stuck.gone, 'the replica that hung is killed');
      assert.ok(
        logger.lines.some((l) => /echo#1.*did not settle within 100 ms/.test(l)),
        logger.lines.join('\n'),
      );
      while (site.replicas.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      await flush();
      const replacement = site.replicas[1];
      assert.deepEqual(replacement.spec.init.userConfig, { hang: false });
      replacement.answer(undefined, { value: 'served' });
      assert.equal(r.list.length, 1, 'the request queued meanwhile gets one answer');
      assert.ok(r.list[0].ok && r.list[0].value === 'served');
      await deployment.stop(0);
    },
  );
});
