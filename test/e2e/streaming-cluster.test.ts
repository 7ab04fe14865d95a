import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import { remoteSuite } from '../helpers/replica-host';
import { waitFor, type ServeApp } from '../helpers/serve-app';
import { streamRequest } from '../helpers/stream-client';
import { RemoteStreamer } from '../fixtures/stream.backend';

/** A remote replica (in-process ReplicaHost over real NATS) streams, with back-pressure and cancel. */
describe('streaming from a remote replica over NATS', () => {
  const remote = remoteSuite(
    { backends: [RemoteStreamer] },
    { modules: ['test/fixtures/stream.backend.ts'], backends: ['RemoteStreamer'], name: 'stream-host' },
  );
  let s: ServeApp;
  let port = 0;

  before(async () => {
    s = remote.app;
    await s.app.listen(0, '127.0.0.1');
    port = (s.app.getHttpServer().address() as AddressInfo).port;
    await waitFor('the remote replica', () => s.serve.listBackends().RemoteStreamer.status === 'running');
  });

  test('chunks arrive separately and in order', async () => {
    const reply = await streamRequest(port, '/remote-stream', { body: { n: 4, ms: 80 } });
    assert.deepEqual(
      reply.chunks.map((c) => c.text),
      ['remote 0\n', 'remote 1\n', 'remote 2\n', 'remote 3\n'],
    );
    assert.ok(reply.chunks[3].at - reply.chunks[0].at >= 150);
    assert.equal(reply.ended, 'end');
  });

  test('a chunk over the NATS max_payload ends the stream with an error the client sees', async () => {
    const reply = await streamRequest(port, '/remote-stream', {
      body: {},
      headers: { 'x-serve-call-method': 'huge', accept: 'text/event-stream' },
    });
    assert.match(reply.text, /^data: small\n/);
    assert.match(reply.text, /event: error\ndata: .*Backend 'RemoteStreamer' failed/);
    await waitFor('in flight 0', () => s.serve.listBackends().RemoteStreamer.inFlight === 0);
  });

  test('a long stream (many windows) arrives whole; a disconnect closes the remote generator', async () => {
    const chunks: string[] = [];
    for await (const chunk of s.serve.getHandle('/remote-stream').stream<string>({ n: 2000, ms: 0 }))
      chunks.push(chunk);
    assert.equal(chunks.length, 2000);
    assert.equal(chunks[1999], 'remote 1999\n');
    let cutAt = 0;
    const reply = await streamRequest(port, '/remote-stream', {
      body: { n: 100_000, ms: 20 },
      onResponse: (res, req) =>
        res.once('data', () => {
          cutAt = Date.now();
          req.destroy();
        }),
    });
    assert.equal(reply.ended, 'aborted');
    let closedAt = 0;
    await waitFor(
      'the remote finally',
      async () => (closedAt = await s.serve.getHandle('/remote-stream').remote<number>({}, { method: 'closedAt' })) > 0,
      3000,
    );
    assert.ok(closedAt - cutAt <= 200, `finally ${closedAt - cutAt} ms after the disconnect`);
    await waitFor('in flight 0', () => s.serve.listBackends().RemoteStreamer.inFlight === 0);
  });
});
