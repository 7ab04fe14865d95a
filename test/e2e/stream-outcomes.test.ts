import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import { serveAppForSuite, waitFor, type ServeApp } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { streamRequest } from '../helpers/stream-client';
import { scrape, value } from '../helpers/prometheus-scrape';
import { Streamer } from '../fixtures/stream.backend';

/** How `/stream`'s requests to Streamer stand, everywhere they are counted. */
interface Tally {
  ok: number;
  cancelled: number;
  okCounts: number;
  cancelledCounts: number;
  /** Window figures of the backend (status()), the endpoint (status()) and the rollout judge (liveFigures). */
  backendRequests: number;
  backendCancelled: number;
  endpointRequests: number;
  endpointCancelled: number;
  judgedRequests: number;
  judgedErrors: number;
}

async function tally(s: ServeApp): Promise<Tally> {
  const m = await scrape(s);
  const of = (code: string, outcome: string) =>
    value(m, 'nestjs_serve_requests_total', { endpoint: '/stream', backend: 'Streamer', code, outcome });
  const { requests } = s.serve.listBackends().Streamer;
  const status = s.serve.status();
  const judged = s.serve.liveFigures('/stream', 'Streamer', 10_000);
  return {
    ok: of('200', 'ok'),
    cancelled: of('499', 'cancelled'),
    okCounts: requests.succeeded,
    cancelledCounts: requests.cancelled,
    backendRequests: status.backends.Streamer.figures.requests,
    backendCancelled: status.backends.Streamer.figures.cancelled,
    endpointRequests: status.endpoints['/stream'].figures.requests,
    endpointCancelled: status.endpoints['/stream'].figures.cancelled,
    judgedRequests: judged.requests,
    judgedErrors: judged.errors,
  };
}

/** `after` minus `before`, field by field. */
function delta(before: Tally, after: Tally): Tally {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof Tally]])) as never;
}

/** What one request counts: `answered` ok (in the window figures) or `cancelled` (in none of them). */
function counted(how: 'ok' | 'cancelled', n = 1): Tally {
  const ok = how === 'ok' ? n : 0;
  const cancelled = how === 'cancelled' ? n : 0;
  return {
    ok,
    cancelled,
    okCounts: ok,
    cancelledCounts: cancelled,
    backendRequests: ok,
    backendCancelled: cancelled,
    endpointRequests: ok,
    endpointCancelled: cancelled,
    judgedRequests: ok,
    judgedErrors: 0,
  };
}

const settled = (s: ServeApp) => waitFor('Streamer idle', () => s.serve.listBackends().Streamer.inFlight === 0);

for (const adapter of httpAdapters) {
  describe(`a stream cut short by its HTTP client is cancelled (499), not ok, on ${adapter.name}`, () => {
    const s = serveAppForSuite({ backends: [Streamer], metrics: { path: '/metrics' } }, { adapter: adapter.create() });
    let port = 0;
    before(async () => {
      await s.app.listen(0, '127.0.0.1');
      port = (s.app.getHttpServer().address() as AddressInfo).port;
    });

    test('a client that reads two chunks of an endless generator and destroys its socket', async () => {
      const before = await tally(s);
      let chunks = 0;
      const reply = await streamRequest(port, '/stream', {
        body: {},
        headers: { 'x-serve-call-method': 'endless' },
        onResponse: (res) =>
          res.on('data', () => {
            if (++chunks === 2) res.socket.destroy();
          }),
      });
      assert.equal(reply.ended, 'aborted');
      await settled(s);
      assert.deepEqual(delta(before, await tally(s)), counted('cancelled'));
    });

    test('a stream that ends is 200 ok; one that fails mid-way too, as before (its body ends without its last chunk)', async () => {
      const before = await tally(s);
      const whole = await streamRequest(port, '/stream', { body: { n: 3, ms: 5 } });
      assert.equal(whole.ended, 'end');
      const broken = await streamRequest(port, '/stream', { body: {}, headers: { 'x-serve-call-method': 'broken' } });
      assert.equal(broken.ended, 'aborted');
      await settled(s);
      assert.deepEqual(delta(before, await tally(s)), counted('ok', 2));
    });

    test('HEAD on a streaming GET endpoint: its head is the whole answer, 200 ok though the generator is stopped', async () => {
      const before = await tally(s);
      const reply = await streamRequest(port, '/stream', { method: 'HEAD' });
      assert.equal(reply.status, 200);
      await settled(s);
      assert.deepEqual(delta(before, await tally(s)), counted('ok'));
    });

    test('a non-streaming request whose client left is cancelled too, and in no window figure', async () => {
      const before = await tally(s);
      const gone = streamRequest(port, '/stream', {
        body: { ms: 10_000 },
        headers: { 'x-serve-call-method': 'waits' },
        onRequest: (req) =>
          void waitFor('in flight', () => s.serve.listBackends().Streamer.inFlight === 1).then(() => req.destroy()),
      }).catch(() => 'cut');
      assert.equal(await gone, 'cut');
      await settled(s);
      assert.deepEqual(delta(before, await tally(s)), counted('cancelled'));
    });
  });
}

describe('a handle stream its consumer leaves is cancelled (499), not ok', () => {
  const s = serveAppForSuite({ backends: [Streamer], metrics: { path: '/metrics' } });
  const endless = (signal?: AbortSignal) =>
    s.serve.getHandle('/stream').stream<string>({}, { method: 'endless', signal });

  test('left with break after two chunks', async () => {
    const before = await tally(s);
    let n = 0;
    for await (const chunk of endless()) {
      assert.match(chunk, /^chunk \d+\n$/);
      if (++n === 2) break;
    }
    await settled(s);
    assert.deepEqual(delta(before, await tally(s)), counted('cancelled'));
  });

  test('stopped by its AbortSignal after two chunks', async () => {
    const before = await tally(s);
    const abort = new AbortController();
    let n = 0;
    for await (const chunk of endless(abort.signal)) if (++n === 2) abort.abort(chunk);
    await settled(s);
    assert.deepEqual(delta(before, await tally(s)), counted('cancelled'));
  });

  test('read to its end: 200 ok', async () => {
    const before = await tally(s);
    const chunks: string[] = [];
    for await (const chunk of s.serve.getHandle('/stream').stream<string>({ n: 3, ms: 5 })) chunks.push(chunk);
    assert.equal(chunks.length, 3);
    await settled(s);
    assert.deepEqual(delta(before, await tally(s)), counted('ok'));
  });
});
