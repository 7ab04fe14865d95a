import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServeError } from '../../src';
import { httpAdapters } from '../helpers/http-adapters';
import { serveAppForSuite, type ServeApp } from '../helpers/serve-app';
import { DeepBodyProcess, DeepBodyThread } from '../fixtures/deep-body.backend';

/** JSON text of `levels` objects (`{"a":{"a":…}}`) or arrays (`[[…]]`) nested in one another. */
function nestedText(shape: 'object' | 'array', levels: number): string {
  return shape === 'object'
    ? '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1)
    : '['.repeat(levels) + ']'.repeat(levels);
}

/** The replica of a one-replica backend that answers now, its handler's calls, and the backend's restarts. */
async function replicaOf(s: ServeApp, route: string, backend: string) {
  const res = await s.http.post(route).set('x-serve-call-method', 'whoami').send({}).expect(200);
  return { ...(res.body as { identity: string; calls: number }), restarts: s.serve.listBackends()[backend].restarts };
}

const LOCAL = [
  { backend: 'DeepBodyThread', route: '/deep/thread' },
  { backend: 'DeepBodyProcess', route: '/deep/process' },
];

for (const adapter of httpAdapters) {
  describe(`on ${adapter.name}, a body nested deeper than 1000 levels is refused before any replica`, () => {
    const s = serveAppForSuite({ backends: [DeepBodyThread, DeepBodyProcess] }, { adapter: adapter.create() });

    for (const { backend, route } of LOCAL) {
      test(`${backend}: 400 naming the endpoint and the limit, no handler call, no restart; 1000 levels still pass`, async () => {
        const before = await replicaOf(s, route, backend);
        assert.equal(before.restarts, 0);
        let calls = before.calls;
        for (const shape of ['object', 'array'] as const) {
          const res = await s.http.post(route).set('content-type', 'application/json').send(nestedText(shape, 2000));
          assert.equal(res.status, 400, `${shape}: ${res.text}`);
          assert.match(res.body.message, new RegExp(`endpoint '${route}' .*deeper than 1000 levels`), res.text);
          const now = await replicaOf(s, route, backend);
          assert.deepEqual(now, { ...before, calls }, `the same replica, not called, no restart after ${shape}`);
          const atLimit = await s.http
            .post(route)
            .set('content-type', 'application/json')
            .send(nestedText(shape, 1000));
          assert.equal(atLimit.status, 200, atLimit.text);
          assert.deepEqual(atLimit.body, { levels: 1000 });
          calls++;
        }
      });
    }
  });
}

describe('a handle call from the app whose payload nests deeper than 1000 levels is refused', () => {
  const s = serveAppForSuite({ backends: [DeepBodyThread, DeepBodyProcess] });

  for (const { backend, route } of LOCAL) {
    test(`${backend}: remote() and stream() reject with BAD_REQUEST naming the endpoint; no restart`, async () => {
      const before = await replicaOf(s, route, backend);
      const handle = s.serve.getHandle(route);
      const deep = JSON.parse(nestedText('object', 2000)) as unknown;
      const err = await handle.remote(deep).then(
        () => assert.fail('resolved'),
        (e: ServeError) => e,
      );
      assert.equal(err.code, 'BAD_REQUEST');
      assert.match(err.message, new RegExp(`endpoint '${route}' .*deeper than 1000 levels`));
      await assert.rejects(
        (async () => {
          for await (const _ of handle.stream(JSON.parse(nestedText('array', 2000)))) void _;
        })(),
        (e: ServeError) => e.code === 'BAD_REQUEST',
      );
      assert.deepEqual(await replicaOf(s, route, backend), before);
      assert.deepEqual(await handle.remote(JSON.parse(nestedText('array', 1000))), { levels: 1000 });
    });
  }
});
