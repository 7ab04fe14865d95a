import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { remoteSuite } from '../helpers/replica-host';
import { waitFor } from '../helpers/serve-app';
import { MuxThread } from '../fixtures/multiplexed.backends';

/** A multiplexed backend whose replicas run on a replica host: the same routing and figures as local ones. */
describe('many models per backend, remote replicas', () => {
  const suite = remoteSuite(
    { backends: [] },
    { name: 'mux-host', modules: [join(__dirname, '..', 'fixtures', 'multiplexed.backends.ts')] },
  );

  test('the model id reaches the remote replica; concurrent first requests load it once; status() shows it', async () => {
    const { serve } = suite.app;
    await serve.createBackend('mux-remote', MuxThread, { placement: 'remote' });
    await serve.createEndpoint('mux-remote', { backend: 'mux-remote', route: '/mux-remote', methods: ['POST'] });
    const ready = () =>
      serve.status().backends['mux-remote'].replicas.filter((r) => r.state === 'READY' && r.site === 'mux-host');
    await waitFor('2 remote replicas', () => ready().length === 2, 20_000);
    const handle = serve.getHandle('mux-remote');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        handle.remote<{ model: string; replica: string; loadsHere: number }>({}, { modelId: 'slow-r' }),
      ),
    );
    assert.deepEqual(new Set(answers.map((a) => a.model)), new Set(['model:slow-r']));
    assert.equal(new Set(answers.map((a) => a.replica)).size, 1, 'one replica');
    assert.ok(
      answers.every((a) => a.loadsHere === 1),
      'loaded once',
    );
    const models = serve.status().backends['mux-remote'].models!;
    assert.equal(models.holders['slow-r'].length, 1);
    await assert.rejects(handle.remote({}), /names none/);
    await serve.deleteEndpoint('mux-remote');
    await serve.deleteBackend('mux-remote');
  });
});
