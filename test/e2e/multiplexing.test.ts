import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { serveAppForSuite, startServeApp, waitFor } from '../helpers/serve-app';
import { MuxProcess, MuxThread, fixedMarker, unloadedMarker } from '../fixtures/multiplexed.backends';
import { renderStatusView } from '../../src/dashboard/status.view';

interface Answer {
  modelId: string;
  model: string;
  same: boolean;
  replica: string;
  loadsHere: number;
  unloads: string[];
}

for (const [kind, cls] of [
  ['thread', MuxThread],
  ['process', MuxProcess],
] as const) {
  describe(`many models per backend, ${kind} replicas`, () => {
    const s = serveAppForSuite({ backends: [cls], metrics: { path: '/metrics' } });
    const backend = cls.name;
    const models = () => s.serve.status().backends[backend].models!;
    const byParam = (model: string, body: object = {}) => s.http.post(`/${kind}/models/${model}/predict`).send(body);
    const byHeader = (model: string, body: object = {}) =>
      s.http.post(`/${kind}/predict`).set('X-Serve-Model-Id', model).send(body);

    test('the model id comes from the header, the route parameter or the handle option', async () => {
      const header = await byHeader('h1');
      assert.equal(header.status, 200, header.text);
      assert.deepEqual([header.body.modelId, header.body.model, header.body.same], ['h1', 'model:h1', true]);
      const param = await byParam('p1');
      assert.equal(param.status, 200, param.text);
      assert.deepEqual([param.body.modelId, param.body.model], ['p1', 'model:p1']);
      const handle = await s.serve.getHandle(`/${kind}/predict`).remote<Answer>({}, { modelId: 'o1' });
      assert.deepEqual([handle.modelId, handle.model], ['o1', 'model:o1']);
    });

    test('a request naming no model, an unusable id or two different ids answers 400 saying why', async () => {
      const none = await s.http.post(`/${kind}/predict`).send({});
      assert.equal(none.status, 400);
      assert.match(none.body.message, new RegExp(`Backend '${backend}'.*X-Serve-Model-Id.*'model'.*modelId`));
      for (const bad of ['../etc/passwd', 'x'.repeat(129), 'a b', '-flag']) {
        const res = await byHeader(bad);
        assert.equal(res.status, 400, bad);
        assert.match(res.body.message, new RegExp(`Backend '${backend}': model id .* is not usable`));
      }
      const two = await s.http.post(`/${kind}/models/m1/predict`).set('X-Serve-Model-Id', 'm2').send({});
      assert.equal(two.status, 400);
      assert.match(two.body.message, /'m1' and 'm2'/);
    });

    test('concurrent first requests for one model load it once, on one replica (single flight)', async () => {
      const loadsBefore = models().loads;
      const answers = await Promise.all(Array.from({ length: 6 }, () => byParam('slow-single')));
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const replicas = new Set(answers.map((a) => (a.body as Answer).replica));
      assert.equal(replicas.size, 1, `all on one replica, got ${[...replicas].join(', ')}`);
      assert.deepEqual(
        answers.map((a) => (a.body as Answer).loadsHere),
        Array(6).fill(1),
        'the backend itself counted one load',
      );
      assert.equal(models().loads, loadsBefore + 1, 'status() counts one load');
      assert.deepEqual(models().holders['slow-single'], [...replicas]);
    });

    test('the app learns of a load as soon as it is done, before the request that caused it answers', async () => {
      let answered = false;
      const pending = byHeader('slow-early', { sleepMs: 3000 }).then((res) => {
        answered = true;
        return res;
      });
      await waitFor('slow-early held', () => (models().holders['slow-early']?.length ?? 0) === 1, 2500);
      assert.equal(answered, false);
      assert.equal((await pending).status, 200);
    });

    test('the model used least lately is evicted and unloaded; a replica holds at most maxModelsPerReplica', async () => {
      const evictionsBefore = models().evictions;
      const unloads = new Set<string>();
      for (const id of ['e1', 'e2', 'e3', 'e4', 'e5', 'e1', 'e2']) {
        const res = await byHeader(id);
        assert.equal(res.status, 200, res.text);
        for (const u of (res.body as Answer).unloads) unloads.add(u);
      }
      assert.ok(models().evictions > evictionsBefore, 'status() counts evictions');
      assert.ok(unloads.size > 0, 'unload(model) was called');
      for (const replica of s.serve.status().backends[backend].replicas) assert.ok(replica.models!.length <= 2);
    });

    test('a load that throws answers 503 naming backend and model; the replica survives and the next request loads again', async () => {
      const id = `fixme-${kind}-${process.pid}`;
      const replicasBefore = s.serve.status().backends[backend].replicas.map((r) => r.id);
      const failuresBefore = models().loadFailures;
      try {
        const failed = await byParam(id);
        assert.equal(failed.status, 503, failed.text);
        assert.match(failed.body.message, new RegExp(`Backend '${backend}' could not load model '${id}'.*timed out`));
        assert.equal(models().loadFailures, failuresBefore + 1);
        writeFileSync(fixedMarker(id), '');
        const retried = await byParam(id);
        assert.equal(retried.status, 200, retried.text);
        assert.equal(retried.body.model, `model:${id}`);
        assert.deepEqual(
          s.serve.status().backends[backend].replicas.map((r) => r.id),
          replicasBefore,
          'no replica was replaced',
        );
      } finally {
        rmSync(fixedMarker(id), { force: true });
      }
    });

    test('a hot model is loaded on another replica too', async () => {
      const warm = await byHeader('hot');
      assert.equal(warm.status, 200, warm.text);
      // 8 requests of 500 ms at once: past hotModelInFlight (4) on its replica, it is loaded on the other.
      const answers = await Promise.all(Array.from({ length: 8 }, () => byHeader('hot', { sleepMs: 500 })));
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const replicas = new Set(answers.map((a) => (a.body as Answer).replica));
      assert.equal(replicas.size, 2, 'served by both replicas');
      assert.equal(models().holders.hot.length, 2, 'status() shows it on both');
    });

    test('when the hot model cools, its extra copy gets no requests and is unloaded after idleCopyMs', async () => {
      assert.equal(models().holders.hot.length, 2);
      const evictionsBefore = models().evictions;
      const answers: Answer[] = [];
      await waitFor(
        'the copy of hot to be unloaded',
        async () => {
          const res = await byHeader('hot');
          assert.equal(res.status, 200, res.text);
          answers.push(res.body as Answer);
          return models().holders.hot?.length === 1;
        },
        15_000,
      );
      assert.equal(new Set(answers.map((a) => a.replica)).size, 1, 'a cooled model is served by one copy');
      const other = s.serve.status().backends[backend].replicas.find((r) => r.id !== answers[0].replica)!;
      assert.ok(!other.models!.includes('hot'), `status() shows it gone from ${other.id}`);
      await waitFor('the replica to count the unload', () => models().evictions > evictionsBefore);
    });

    test('a model listed in modelReplicas is kept on that many replicas, and its requests use both copies', async () => {
      const first = await byHeader('twin');
      assert.equal(first.status, 200, first.text);
      const second = await byHeader('twin');
      assert.equal(second.status, 200, second.text);
      assert.notEqual(second.body.replica, first.body.replica, 'the second request loads the second copy');
      assert.equal(models().holders.twin.length, 2, 'status() shows it on both replicas');
      const answers = await Promise.all(Array.from({ length: 6 }, () => byHeader('twin', { sleepMs: 100 })));
      const replicas = new Set(answers.map((a) => (a.body as Answer).replica));
      assert.equal(replicas.size, 2, 'requests spread over the copies');
      assert.ok(
        answers.every((a) => (a.body as Answer).loadsHere === 1),
        'no copy loaded twice',
      );
    });

    test('status() shows the models of each replica and the figures', () => {
      const status = s.serve.status().backends[backend];
      const figures = status.models!;
      assert.equal(figures.maxModelsPerReplica, 2);
      assert.ok(figures.hits > 0 && figures.misses > 0 && figures.loads > 0);
      assert.ok(figures.loadLatency.meanMs! >= 15, `load latency measured: ${figures.loadLatency.meanMs} ms`);
      assert.ok(status.replicas.every((r) => Array.isArray(r.models)));
    });

    test('a replica started later (scale-up, autoscaling) starts with its preloads only and takes new models', async () => {
      await s.serve.updateBackendConfig(backend, { numReplicas: 3 });
      const fresh = s.serve.status().backends[backend].replicas.find((r) => r.id === `${backend}#3`);
      assert.deepEqual(fresh?.models, ['warm']);
      const res = await byHeader('after-scale');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.replica, `${backend}#3`, 'the replica with a free model slot loads it');
    });

    test('the metrics and the status page show the model figures', async () => {
      const text = (await s.http.get('/metrics')).text;
      for (const name of ['model_loads_total', 'model_evictions_total', 'model_load_failures_total']) {
        assert.match(text, new RegExp(`nestjs_serve_${name}\\{backend="${backend}"\\} [1-9]`), name);
      }
      assert.match(text, new RegExp(`nestjs_serve_model_requests_total\\{backend="${backend}",result="hit"\\} [1-9]`));
      assert.match(text, new RegExp(`nestjs_serve_model_load_duration_seconds_count\\{backend="${backend}"\\} [1-9]`));
      assert.match(
        text,
        new RegExp(`nestjs_serve_models_loaded\\{backend="${backend}",replica="${backend}#1"\\} [0-9]`),
      );
      const page = renderStatusView(s.serve.status());
      assert.match(page, /data-field="models"><strong>Models<\/strong> [\d.]+\/2 per replica/);
      assert.match(page, /data-field="replica-models">[^<]*hot/);
    });
  });
  test(`${kind} replicas unload their models when the app shuts down`, async () => {
    const id = `mark-${kind}-${process.pid}`;
    rmSync(unloadedMarker(id), { force: true });
    const app = await startServeApp({ backends: [cls] });
    try {
      const res = await app.http.post(`/${kind}/predict`).set('X-Serve-Model-Id', id).send({});
      assert.equal(res.status, 200, res.text);
    } finally {
      await app.close();
    }
    await waitFor('the unload marker', () => existsSync(unloadedMarker(id)), 5000);
    assert.match(readFileSync(unloadedMarker(id), 'utf8'), new RegExp(`${cls.name}#`));
    rmSync(unloadedMarker(id), { force: true });
  });
}
