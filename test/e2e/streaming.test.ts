import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { serveAppForSuite, startServeApp, waitFor } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { streamRequest } from '../helpers/stream-client';
import { BatchStreamer, InnerStreamer, ProcessStreamer, Streamer } from '../fixtures/stream.backend';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Stats = { produced: number; finallyAt: number; signalAt: number; waitsRuns: number };

function sseEvents(text: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  parser.feed(text);
  return events;
}

for (const adapter of httpAdapters) {
  describe(`streaming and cancellation over real HTTP on ${adapter.name}`, () => {
    const s = serveAppForSuite({ backends: [Streamer, InnerStreamer, ProcessStreamer] }, { adapter: adapter.create() });
    let port = 0;
    const method = (m: string) => ({ 'x-serve-call-method': m });
    const stats = async (): Promise<Stats> => (await s.http.post('/stream').set(method('stats')).expect(200)).body;
    const counts = () => s.serve.listBackends().Streamer;

    test('chunks of a generator arrive separately and in order, as they are made', async () => {
      await s.app.listen(0, '127.0.0.1');
      port = (s.app.getHttpServer().address() as AddressInfo).port;
      const reply = await streamRequest(port, '/stream', { body: { n: 5, ms: 80 } });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['transfer-encoding'], 'chunked');
      assert.match(String(reply.headers['content-type']), /^text\/plain/);
      assert.equal(reply.ended, 'end');
      assert.deepEqual(
        reply.chunks.map((c) => c.text),
        ['line 0\n', 'line 1\n', 'line 2\n', 'line 3\n', 'line 4\n'],
      );
      // Each chunk is its own read, the first long before the last (a buffered body arrives at once).
      const span = reply.chunks[4].at - reply.chunks[0].at;
      assert.ok(span >= 250, `first to last chunk: ${span} ms, ${JSON.stringify(reply.chunks)}`);
      for (let i = 1; i < reply.chunks.length; i++) assert.ok(reply.chunks[i].at > reply.chunks[i - 1].at);
    });

    test('objects go out as NDJSON lines that a line parser reads back', async () => {
      const reply = await streamRequest(port, '/stream', { body: {}, headers: method('records') });
      assert.match(String(reply.headers['content-type']), /^application\/x-ndjson/);
      const lines: unknown[] = [];
      for await (const line of createInterface({ input: Readable.from([reply.text]) })) lines.push(JSON.parse(line));
      assert.deepEqual(lines, [{ a: 1 }, { b: [2, 3] }]);
    });

    test('with Accept: text/event-stream, chunks are Server-Sent Events (id, event, multi-line data)', async () => {
      const reply = await streamRequest(port, '/stream', {
        body: { n: 3 },
        headers: { ...method('objects'), accept: 'text/event-stream' },
      });
      assert.match(String(reply.headers['content-type']), /^text\/event-stream/);
      const events = sseEvents(reply.text);
      assert.deepEqual(
        events.map((e) => [e.id, e.event, JSON.parse(e.data)]),
        [0, 1, 2].map((i) => [String(i), 'tick', { i, text: `line\nnumber ${i}` }]),
      );
    });

    test("an endpoint with stream: 'sse' sends SSE without Accept; the option is validated", async () => {
      await s.serve.createEndpoint('sse', { backend: 'Streamer', route: '/sse', methods: ['POST'], stream: 'sse' });
      const reply = await streamRequest(port, '/sse', { body: { n: 2, ms: 0 } });
      assert.deepEqual(
        sseEvents(reply.text).map((e) => e.data),
        ['line 0\n', 'line 1\n'],
      );
      await assert.rejects(
        s.serve.createEndpoint('bad', { backend: 'Streamer', route: '/bad', stream: 'ws' as never }),
        /stream.*'sse' or left out/,
      );
    });

    test('HEAD on a streaming GET endpoint answers the head only, and closes the generator', async () => {
      const res = await s.http.head('/stream').expect(200);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      assert.equal(res.text, undefined);
    });

    test('a ServeResponse with an async iterable body streams with its status and headers', async () => {
      const reply = await streamRequest(port, '/stream', { body: {}, headers: method('response') });
      assert.equal(reply.status, 201);
      assert.equal(reply.headers['x-stream'], 'yes');
      assert.equal(reply.text, 'ab');
    });

    test('an error after the first chunk: an SSE error event, or an aborted chunked body, never a clean end', async () => {
      const sse = await streamRequest(port, '/stream', {
        body: {},
        headers: { ...method('broken'), accept: 'text/event-stream' },
      });
      const events = sseEvents(sse.text);
      assert.deepEqual(
        events.map((e) => e.event ?? 'message'),
        ['message', 'message', 'error'],
      );
      assert.match(JSON.parse(events[2].data).message, /Backend 'Streamer' failed/);
      const chunked = await streamRequest(port, '/stream', { body: {}, headers: method('broken') });
      assert.equal(chunked.ended, 'aborted');
      assert.equal(chunked.text, 'one\ntwo\n');
    });

    test("a client that disconnects mid-stream: the generator's finally runs in the replica within 100 ms, the slot is free and a queued request runs", async () => {
      let cutAt = 0;
      const reply = streamRequest(port, '/stream', {
        body: {},
        headers: method('endless'),
        onResponse: (res, req) =>
          res.on('data', () => {
            if (cutAt === 0 && counts().queued === 1) {
              cutAt = Date.now();
              req.destroy();
            }
          }),
      });
      await waitFor('the stream to hold the slot', () => counts().inFlight === 1);
      const queued = stats(); // maxConcurrentQueries 1: waits behind the stream
      assert.equal((await reply).ended, 'aborted');
      await queued;
      let after = await stats();
      await waitFor('the finally', async () => (after = await stats()).finallyAt > 0, 2000);
      assert.ok(after.finallyAt - cutAt <= 100, `finally ${after.finallyAt - cutAt} ms after the disconnect`);
      assert.ok(
        after.signalAt > 0 && after.signalAt - cutAt <= 100,
        `request.signal aborted: ${JSON.stringify(after)} cut ${cutAt}`,
      );
      await waitFor('in flight back to 0', () => counts().inFlight === 0);
    });

    test('a queued request whose client left is never run', async () => {
      const before = (await stats()).waitsRuns;
      const cancelled = counts().requests.cancelled;
      const holder = new AbortController();
      const hold = (async () => {
        for await (const chunk of s.serve.getHandle('/stream').stream({}, { method: 'endless', signal: holder.signal }))
          void chunk;
      })();
      await waitFor('the slot taken', () => counts().inFlight === 1);
      let cut!: () => void;
      const gone = streamRequest(port, '/stream', {
        body: { ms: 10 },
        headers: method('waits'),
        onRequest: (req) => (cut = () => req.destroy()),
      }).catch(() => 'cut');
      await waitFor('the request queued', () => counts().queued === 1);
      cut();
      assert.equal(await gone, 'cut');
      await waitFor('the queue empty', () => counts().queued === 0);
      holder.abort();
      await hold;
      assert.equal((await stats()).waitsRuns, before, 'never run');
      assert.equal(counts().requests.cancelled, cancelled + 2, 'the queued request, and the stream its holder left');
    });
  });
}

describe('streams: back-pressure, failures, handles, process replicas', () => {
  const s = serveAppForSuite({ backends: [Streamer, InnerStreamer, ProcessStreamer] });
  let port = 0;
  const method = (m: string) => ({ 'x-serve-call-method': m });
  const stats = async (): Promise<Stats> => (await s.http.post('/stream').set(method('stats')).expect(200)).body;

  test('a slow reader (one read a second) of a fast generator: production bounded by the window, host RSS flat', async () => {
    await s.app.listen(0, '127.0.0.1');
    port = (s.app.getHttpServer().address() as AddressInfo).port;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let reads = 0;
    let cut!: () => void;
    const reply = streamRequest(port, '/stream', {
      body: {},
      headers: method('fast'),
      onResponse: (res, req) => {
        cut = () => req.destroy();
        res.on('data', () => {
          reads++;
          res.pause();
          setTimeout(() => res.resume(), 1000);
        });
      },
    });
    await sleep(4000);
    const rssAfter = process.memoryUsage().rss;
    cut();
    await reply;
    let after = await stats();
    await waitFor('the finally', async () => (after = await stats()).finallyAt > 0, 2000);
    // 16 KiB chunks: the window (256) plus what the kernel's socket buffers hold; unbounded, a
    // generator this fast would have made hundreds of thousands in 4 s.
    assert.ok(after.produced < 1500, `produced ${after.produced} chunks for ${reads} reads`);
    const growthMb = (rssAfter - rssBefore) / 2 ** 20;
    assert.ok(growthMb < 40, `host RSS grew ${growthMb.toFixed(1)} MiB`);
  });

  test('a replica dying mid-stream ends the response with an error the client sees, never a hang', async () => {
    const sse = streamRequest(port, '/stream', {
      body: {},
      headers: { ...method('dies'), accept: 'text/event-stream' },
    });
    const events = sseEvents((await sse).text);
    assert.deepEqual(
      events.map((e) => e.event ?? 'message'),
      ['message', 'error'],
    );
    assert.match(JSON.parse(events[1].data).message, /Streamer#1.*(died|exited)/);
    await waitFor('the replacement', () => s.serve.listBackends().Streamer.status === 'running');
    const chunked = await streamRequest(port, '/stream', { body: {}, headers: method('dies') });
    assert.equal(chunked.ended, 'aborted');
    assert.equal(chunked.text, 'one\n');
    await waitFor('the replacement', () => s.serve.listBackends().Streamer.status === 'running');
  });

  test('a stream idle longer than streamIdleTimeoutMs ends with an error and cancels the handler', async () => {
    await s.serve.updateBackendConfig('Streamer', { streamIdleTimeoutMs: 300 });
    const started = Date.now();
    const reply = await streamRequest(port, '/stream', { body: {}, headers: method('stalls') });
    assert.equal(reply.text, 'first\n');
    assert.equal(reply.ended, 'aborted');
    assert.ok(Date.now() - started < 3000);
    await waitFor('the slot free', () => s.serve.listBackends().Streamer.inFlight === 0);
    await s.serve.updateBackendConfig('Streamer', { streamIdleTimeoutMs: 30_000 });
    await assert.rejects(s.serve.updateBackendConfig('Streamer', { streamIdleTimeoutMs: -1 }), /streamIdleTimeoutMs/);
  });

  test('requestTimeoutMs bounds the time to the first chunk, and aborts the handler', async () => {
    await s.serve.updateBackendConfig('Streamer', { requestTimeoutMs: 200 });
    const res = await s.http.post('/stream').set(method('waits')).send({ ms: 5000 }).expect(504);
    assert.match(res.body.message, /requestTimeoutMs/);
    await s.serve.updateBackendConfig('Streamer', { requestTimeoutMs: 30_000 });
    await waitFor('the signal', async () => (await stats()).signalAt > 0, 2000);
    const streamed = await streamRequest(port, '/stream', { body: { n: 3, ms: 150 } });
    assert.equal(streamed.text, 'line 0\nline 1\nline 2\n', 'a stream longer than the timeout is not cut');
  });

  test('getHandle().stream() from Nest yields the chunks; aborting options.signal closes the generator', async () => {
    const chunks: string[] = [];
    for await (const chunk of s.serve.getHandle('/stream').stream<string>({ n: 3, ms: 5 })) chunks.push(chunk);
    assert.deepEqual(chunks, ['line 0\n', 'line 1\n', 'line 2\n']);
    const abort = new AbortController();
    let seen = 0;
    for await (const chunk of s.serve.getHandle('/stream').stream({}, { method: 'endless', signal: abort.signal })) {
      void chunk;
      if (++seen === 3) abort.abort();
    }
    let after = await stats();
    await waitFor('the finally', async () => (after = await stats()).finallyAt > 0, 2000);
    assert.ok(after.produced < 50);
    assert.deepEqual(await s.serve.getHandle('/stream').remote({ n: 2, ms: 0 }), ['line 0\n', 'line 1\n']);
  });

  test("a backend streams another backend's stream through its own, from inside its replica", async () => {
    const reply = await streamRequest(port, '/stream', { body: { n: 3, ms: 60 }, headers: method('relay') });
    assert.deepEqual(
      reply.chunks.map((c) => c.text),
      ['INNER 0\n', 'INNER 1\n', 'INNER 2\n'],
    );
  });

  test("a shadow's copy of a stream is not cancelled by the primary's client: it runs to its end", async () => {
    await s.serve.createBackend('shadow', Streamer);
    await s.serve.createEndpoint('shadow-stats', { backend: 'shadow', route: '/shadow-stats', methods: ['POST'] });
    await s.serve.shadowTraffic('/stream', 'shadow', 1);
    const reply = await streamRequest(port, '/stream', {
      body: { n: 5, ms: 60 },
      headers: method('counted'),
      onResponse: (res, req) => res.once('data', () => req.destroy()),
    });
    assert.equal(reply.ended, 'aborted');
    const shadowStats = async (): Promise<Stats> =>
      (await s.http.post('/shadow-stats').set(method('stats')).expect(200)).body;
    let shadow = await shadowStats();
    await waitFor('the shadow to finish', async () => (shadow = await shadowStats()).finallyAt > 0, 3000);
    assert.equal(shadow.produced, 5, 'the shadow made every chunk');
    let primary = await stats();
    await waitFor('the primary closed', async () => (primary = await stats()).finallyAt > 0, 3000);
    assert.ok(primary.produced < 5, `the primary stopped early (${primary.produced})`);
    await s.serve.shadowTraffic('/stream', 'shadow', 0);
  });

  test("from inside a replica, aborting remote()'s signal rejects it and aborts the callee's request.signal", async () => {
    const res = await s.http.post('/stream').set(method('abortsInner')).send({}).expect(200);
    assert.equal(res.body.code, 'CANCELLED');
    assert.ok(res.body.ms >= 90 && res.body.ms < 2000, `rejected after ${res.body.ms} ms`);
    await waitFor(
      "the callee's signal",
      async () => (await s.serve.getHandle('inner').remote<number>({}, { method: 'abortedWhen' })) > 0,
      2000,
    );
  });

  test('process replicas stream', async () => {
    const reply = await streamRequest(port, '/proc-stream', { body: { n: 3, ms: 80 } });
    assert.deepEqual(
      reply.chunks.map((c) => c.text),
      ['proc 0\n', 'proc 1\n', 'proc 2\n'],
    );
  });
});

test('a @Batch() generator is refused at start-up, naming the backend and method', async () => {
  await assert.rejects(startServeApp({ backends: [BatchStreamer] }), /'BatchStreamer'.*'call' is a generator/);
});
