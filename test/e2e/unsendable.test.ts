import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServeError } from '../../src';
import { remoteSuite } from '../helpers/replica-host';
import { serveAppForSuite, waitFor, type ServeApp } from '../helpers/serve-app';
import { UnsendableProcess, UnsendableRemote, UnsendableThread } from '../fixtures/unsendable.backend';

/** Kinds of result the fixture returns that cannot be sent as they are, and what the 500 must say. */
const ODD: Record<string, RegExp> = {
  getter: /reading result\.boom threw/,
  deep: /nested deeper than 1000 levels/,
  proxy: /reading result threw \(a getter or a Proxy trap\)/,
  toJSON: /toJSON\(\) of result\.price threw/,
  uncloneable: /returned a value that cannot be copied to the app \(a Proxy, .* a WeakMap/,
};

/** A 500 naming `backend` and what was wrong, with no server path and no stack frame in it. */
function assertClean500(res: { status: number; text: string; body: Record<string, unknown> }, backend: string): void {
  assert.equal(res.status, 500, res.text);
  assert.equal(res.body.backend, backend);
  assert.match(String(res.body.message), new RegExp(`^Backend '${backend}'(: method '\\w+')? returned `));
  assertNoPathNorStack(res.text);
}

function assertNoPathNorStack(text: string): void {
  assert.doesNotMatch(text, /\/\w/, `no server path in ${text}`);
  assert.doesNotMatch(text, /:\d+:\d+|\n\s+at /, `no stack in ${text}`);
}

/** The replica of a one-replica backend that answers now, and how often the backend restarted one. */
async function replicaOf(s: ServeApp, route: string, backend: string) {
  const res = await s.http.post(route).set('x-serve-call-method', 'whoami').send({}).expect(200);
  return { identity: res.body.identity as string, restarts: s.serve.listBackends()[backend].restarts };
}

/** One call per kind to `method` at once: a `@Batch()` method gets them as one batch. */
function callsAtOnce(s: ServeApp, route: string, method: string, kinds: string[]) {
  return Promise.all(kinds.map((kind) => s.http.post(route).set('x-serve-call-method', method).send({ kind })));
}

async function rejection(promise: Promise<unknown>): Promise<ServeError> {
  return promise.then(
    () => assert.fail('resolved'),
    (err: ServeError) => err,
  );
}

const LOCAL = [
  { backend: 'UnsendableThread', route: '/unsendable/thread' },
  { backend: 'UnsendableProcess', route: '/unsendable/process' },
];

describe('a result that cannot be sent fails that call alone; its replica keeps serving', () => {
  const s = serveAppForSuite({ backends: [UnsendableThread, UnsendableProcess] });

  for (const { backend, route } of LOCAL) {
    test(`${backend}: returned or resolved, a 500 naming the backend and what was wrong; no restart`, async () => {
      const before = await replicaOf(s, route, backend);
      assert.equal(before.restarts, 0);
      for (const method of ['call', 'later'])
        for (const [kind, what] of Object.entries(ODD)) {
          const res = await s.http.post(route).set('x-serve-call-method', method).send({ kind });
          assertClean500(res, backend);
          assert.match(res.body.message, what, `${method} ${kind}`);
          assert.deepEqual(await replicaOf(s, route, backend), before, `the same replica after ${method} ${kind}`);
        }
      await s.http.post(route).send({ kind: 'after' }).expect(200, { fine: 'after' });
    });

    test(`${backend}: in a batch, only the bad item fails`, async () => {
      const before = await replicaOf(s, route, backend);
      const statuses = (await callsAtOnce(s, route, 'many', ['a', 'getter', 'c'])).map((r) =>
        r.status === 200 ? r.body : (assertClean500(r, backend), r.status),
      );
      assert.deepEqual(statuses, [{ fine: 'a' }, 500, { fine: 'c' }]);
      assert.deepEqual(await replicaOf(s, route, backend), before);
    });

    test(`${backend}: a bad chunk ends the stream with an error; a handle call rejects with it; a handle payload the app could not decode is refused in the replica`, async () => {
      const before = await replicaOf(s, route, backend);
      const handle = s.serve.getHandle(route);
      for (const kind of ['getter', 'uncloneable']) {
        const chunks: unknown[] = [];
        const broken = await rejection(
          (async () => {
            for await (const chunk of handle.stream({ kind }, { method: 'chunks' })) chunks.push(chunk);
          })(),
        );
        assert.deepEqual(chunks, [{ n: 1 }], kind);
        assert.match(broken.message, new RegExp(`^Backend '${backend}'.* yielded .*the stream was ended`), kind);
        assertNoPathNorStack(broken.message);
      }
      for (const kind of Object.keys(ODD)) {
        const err = await rejection(handle.remote({ kind }));
        assert.equal(err.status, 500);
        assert.match(err.message, ODD[kind]);
        assert.match(err.message, new RegExp(`^Backend '${backend}'`));
        assert.deepEqual(err.body, { backend });
        assertNoPathNorStack(err.message);
      }
      assert.deepEqual(await handle.remote({ kind: 'z' }), { fine: 'z' });
      const forwarded = await handle.remote({ kind: 'deeper than the app decodes' }, { method: 'forward' });
      assert.deepEqual(forwarded, {
        refused: `The handle payload cannot be sent to replica ${backend}#1 (it nests objects deeper than 1000 levels, which the app could not decode): use JSON values, strings or bytes.`,
      });
      assert.deepEqual(await replicaOf(s, route, backend), before);
    });
  }
});

describe('a result that cannot be sent from a remote replica (NATS relay)', () => {
  const remote = remoteSuite(
    { backends: [UnsendableRemote] },
    { modules: ['test/fixtures/unsendable.backend.ts'], backends: ['UnsendableRemote'], name: 'unsendable-host' },
  );

  test('answers a clean 500 and the same replica serves the next request', async () => {
    const s = remote.app;
    await waitFor('the remote replica', () => s.serve.listBackends().UnsendableRemote.status === 'running');
    const route = '/unsendable/remote';
    const before = await replicaOf(s, route, 'UnsendableRemote');
    for (const [kind, what] of Object.entries(ODD)) {
      const res = await s.http.post(route).send({ kind });
      assertClean500(res, 'UnsendableRemote');
      assert.match(res.body.message, what);
    }
    const batch = (await callsAtOnce(s, route, 'many', ['a', 'deep', 'c'])).map((r) => r.status);
    assert.deepEqual(batch, [200, 500, 200]);
    assert.deepEqual(await replicaOf(s, route, 'UnsendableRemote'), before);
  });
});
