import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { BackendRouter, MAX_NOT_STARTED_RETRIES } from '../../src/backend/backend.router';
import type { ReplicaEntry, SiteState } from '../../src/backend/replica.lifecycle';
import type { ResolvedBackendConfig } from '../../src/interfaces/backend-config.interface';
import { ReplicaScheduler } from '../../src/router/replica.scheduler';
import { SHADOW_DRAIN_TIMEOUT_MS } from '../../src/serve.constants';
import { ServeError } from '../../src/serve.errors';
import { ServeStream } from '../../src/replicas/serve.stream';
import { config, definition, recordingLogger, request, results } from '../helpers/backend.fixture';
import { FakeReplica, FakeSite } from '../helpers/fake.replica';

const site = new FakeSite();
const siteState: SiteState = { site, starting: new Set(), failures: 0, removed: false };

function harness(overrides: Partial<ResolvedBackendConfig> = {}, replicas = 1) {
  const current = config(overrides);
  const scheduler = new ReplicaScheduler<ReplicaEntry>(current.maxConcurrentQueries);
  let capacity = true;
  const logger = recordingLogger();
  const router = new BackendRouter({
    name: 'echo',
    scheduler,
    config: () => current,
    hasCapacity: () => capacity || scheduler.all.length > 0,
    noCapacityError: () => new ServeError('REPLICA_UNAVAILABLE', 'no replica', { retryAfterSeconds: 1 }),
    exposeErrors: false,
    logger,
    clock: () => Date.now(),
  });
  const fakes: FakeReplica[] = [];
  const entries: ReplicaEntry[] = [];
  for (let i = 1; i <= replicas; i++) {
    const replica = new FakeReplica(`echo#${i}`, 'thread', 'local', fakeSpec(), {
      exited: () => undefined,
      handleCall: async () => ({ ok: true, v: { v: null } }),
      handleStream: async () => ({ ok: true, v: { v: null } }),
    });
    const entry: ReplicaEntry = {
      id: replica.id,
      replica,
      state: 'ready',
      number: i,
      inFlight: 0,
      accepting: true,
      lastPong: 0,
      readyAt: 0,
      served: 0,
      site: siteState,
    };
    scheduler.add(entry);
    fakes.push(replica);
    entries.push(entry);
  }
  return { router, scheduler, fakes, entries, logger, noCapacity: () => (capacity = false) };
}

function fakeSpec() {
  const d = definition();
  return {
    kind: d.kind,
    init: {
      replicaId: 'x',
      backend: d.name,
      modulePath: d.modulePath,
      exportName: d.exportName,
      className: d.className,
      codeVersion: d.codeVersion,
      initArgs: [],
      hasUserConfig: false,
      userConfig: undefined,
      maxBatchSize: 1,
      batchWaitTimeoutMs: 0,
      nice: 0,
      cpus: 1,
    },
  };
}

function errorOf(result: { ok: boolean; error?: ServeError } | undefined): ServeError {
  assert.ok(result && !result.ok, 'expected a failed result');
  return result.error!;
}

describe('BackendRouter', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test('saturated (replica at maxConcurrentQueries, queue full): 503 with Retry-After, counted as rejected', () => {
    const { router, fakes } = harness({ maxConcurrentQueries: 1, maxQueuedRequests: 1 });
    const r = results();
    for (const body of ['a', 'b', 'c']) router.submit('call', request(body), r.done);
    assert.equal(fakes[0].calls.length, 1);
    assert.equal(router.queued, 1);
    const error = errorOf(r.list[0]);
    assert.equal(error.code, 'OVERLOADED');
    assert.equal(error.status, 503);
    assert.ok(error.retryAfterSeconds! > 0);
    assert.match(error.message, /echo/);
    assert.equal(router.requestCounts.rejected, 1);
  });

  test('queued requests go FIFO into the replica that frees up', () => {
    const { router, fakes } = harness({ maxConcurrentQueries: 1 });
    const r = results();
    for (const body of ['a', 'b', 'c']) router.submit('call', request(body), r.done);
    assert.deepEqual(
      fakes[0].calls.map((c) => c.request.body),
      ['a'],
    );
    fakes[0].answer(undefined, { value: 'A' });
    assert.deepEqual(
      fakes[0].calls.map((c) => c.request.body),
      ['a', 'b'],
    );
    fakes[0].answer(undefined, { value: 'B' });
    fakes[0].answer(undefined, { value: 'C' });
    assert.deepEqual(
      r.list.map((x) => x.ok && x.value),
      ['A', 'B', 'C'],
    );
    assert.equal(router.requestCounts.succeeded, 3);
  });

  test('a request that times out answers 504 and leaves the queue', () => {
    const { router, fakes } = harness({ maxConcurrentQueries: 1, requestTimeoutMs: 100 });
    const r = results();
    router.submit('call', request('a'), r.done);
    router.submit('call', request('b'), r.done);
    assert.equal(router.queued, 1);
    mock.timers.tick(100);
    assert.equal(router.queued, 0);
    assert.deepEqual(
      r.list.map((x) => errorOf(x).code),
      ['TIMEOUT', 'TIMEOUT'],
    );
    assert.equal(errorOf(r.list[0]).status, 504);
    assert.equal(fakes[0].calls[0].cancelled, true, 'the timed-out call is cancelled in its replica');
    assert.equal(router.inFlight, 0, 'its slot is free at once');
    assert.equal(r.list.length, 2, 'the cancel settles nothing twice');
    // The freed slot took the queued request just before its own timer fired: cancelled there too.
    assert.ok(
      fakes[0].calls.every((c) => c.cancelled),
      'every timed-out call is cancelled',
    );
    assert.equal(router.requestCounts.timedOut, 2);
  });

  test(`a call that never reached a replica is retried, at most ${MAX_NOT_STARTED_RETRIES} times`, () => {
    const { router, fakes } = harness();
    const r = results();
    router.submit('call', request('a'), r.done);
    const notStarted = { error: new ServeError('REPLICA_UNAVAILABLE', 'host gone'), notStarted: true };
    for (let i = 0; i < MAX_NOT_STARTED_RETRIES; i++) {
      fakes[0].answer(undefined, notStarted);
      assert.equal(r.list.length, 0);
    }
    assert.equal(fakes[0].calls.length, MAX_NOT_STARTED_RETRIES + 1);
    fakes[0].answer(undefined, notStarted);
    assert.equal(errorOf(r.list[0]).code, 'REPLICA_UNAVAILABLE');
    assert.equal(fakes[0].calls.length, MAX_NOT_STARTED_RETRIES + 1);
  });

  test('counts every request once, by outcome', () => {
    const { router, fakes, entries } = harness({ maxConcurrentQueries: 1, maxQueuedRequests: 0 }, 2);
    const r = results();
    router.submit('call', request('ok'), r.done);
    router.submit('call', request('throws'), r.done);
    router.submit('call', request('rejected'), r.done);
    fakes[0].answer(undefined, { value: 1 });
    fakes[1].answer(undefined, { error: new Error('boom') });
    const failed = errorOf(r.list[2]);
    assert.equal(failed.code, 'HANDLER_FAILED');
    assert.equal(failed.status, 500);
    router.submit('call', request('lost'), r.done);
    entries[0].state = 'stopped';
    fakes[0].die(new Error('OOM'));
    router.submit('call', request('times out'), r.done);
    mock.timers.tick(config().requestTimeoutMs);
    assert.deepEqual(router.requestCounts, {
      succeeded: 1,
      failed: 1,
      timedOut: 1,
      rejected: 1,
      replicaLost: 1,
      cancelled: 0,
    });
    assert.equal(r.list.length, 5);
  });

  test('when no replica is left nor coming, queued requests answer 503 at once', () => {
    const { router, scheduler, entries, noCapacity } = harness({ maxConcurrentQueries: 1 });
    const r = results();
    router.submit('call', request('a'), r.done);
    router.submit('call', request('b'), r.done);
    noCapacity();
    scheduler.remove(entries[0]);
    router.capacityChanged();
    assert.equal(errorOf(r.list[0]).code, 'REPLICA_UNAVAILABLE');
    assert.equal(router.queued, 0);
  });

  test('while draining only internal calls are taken; close answers the queue 503', () => {
    const { router } = harness({ maxConcurrentQueries: 1 });
    const r = results();
    router.submit('call', request('a'), r.done);
    router.submit('call', request('b'), r.done);
    router.beginDrain();
    router.submit('call', request('c'), r.done);
    assert.equal(errorOf(r.list[0]).code, 'SHUT_DOWN');
    router.submit('call', request('internal'), r.done, true);
    assert.equal(router.queued, 2);
    router.close();
    assert.deepEqual(
      r.list.map((x) => errorOf(x).code),
      ['SHUT_DOWN', 'SHUT_DOWN', 'SHUT_DOWN'],
    );
  });

  test('a drain drops queued shadow copies (logged once, with their count) and waits for shadows in flight only a short while', () => {
    const { router, fakes, logger } = harness({ maxConcurrentQueries: 1 });
    const r = results();
    router.submitShadow('call', request('shadow-in-flight'));
    for (let i = 0; i < 3; i++) router.submitShadow('call', request(`shadow-${i}`));
    router.submit('call', request('primary'), r.done);
    router.beginDrain();
    router.beginDrain();
    assert.equal(router.queued, 1, 'only the primary still waits');
    assert.deepEqual(
      logger.lines.filter((l) => l.includes('shadow')),
      [
        "Backend 'echo': dropped 3 queued shadow copies while draining (shadow answers reach nobody); primary requests are still drained.",
      ],
    );
    assert.equal(router.idle, false, 'a primary is queued');
    fakes[0].answer();
    assert.equal(fakes[0].pending[0].request.body, 'primary');
    fakes[0].answer();
    assert.deepEqual(r.list, [{ ok: true, value: 'ok' }]);
    assert.equal(router.idle, true, 'primaries done');

    const second = harness({ maxConcurrentQueries: 2 });
    second.router.submitShadow('call', request('slow shadow'));
    second.router.submit('call', request('primary'), r.done);
    second.router.beginDrain();
    second.fakes[0].answer(second.fakes[0].pending[1]);
    assert.equal(second.router.idle, false, 'a shadow copy in flight is waited for a short while');
    mock.timers.tick(SHADOW_DRAIN_TIMEOUT_MS);
    assert.equal(second.router.idle, true, `not past ${SHADOW_DRAIN_TIMEOUT_MS} ms`);
  });
});

const none = { succeeded: 0, failed: 0, timedOut: 0, rejected: 0, replicaLost: 0, cancelled: 0 };

describe('BackendRouter: cancellation and streams', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test("a queued request whose caller aborts leaves the queue, is never sent, and is counted 'cancelled'", () => {
    const { router, fakes } = harness({ maxConcurrentQueries: 1 });
    const r = results();
    router.submit('call', request('a'), r.done);
    const caller = new AbortController();
    router.submit('call', request('b'), r.done, false, undefined, caller.signal);
    assert.equal(router.queued, 1);
    caller.abort();
    assert.equal(router.queued, 0);
    assert.equal(errorOf(r.list[0]).code, 'CANCELLED');
    fakes[0].answer(undefined, { value: 'A' });
    assert.equal(fakes[0].calls.length, 1, 'b never reached the replica');
    assert.equal(router.requestCounts.cancelled, 1);
  });

  test('a request already aborted is never admitted', () => {
    const { router, fakes } = harness();
    const r = results();
    router.submit('call', request('a'), r.done, false, undefined, AbortSignal.abort());
    assert.equal(fakes[0].calls.length, 0);
    assert.equal(errorOf(r.list[0]).code, 'CANCELLED');
  });

  test('aborting a request in a replica cancels it there and frees its slot at once', () => {
    const { router, fakes } = harness({ maxConcurrentQueries: 1 });
    const r = results();
    const caller = new AbortController();
    router.submit('call', request('a'), r.done, false, undefined, caller.signal);
    router.submit('call', request('b'), r.done);
    caller.abort();
    assert.equal(fakes[0].calls[0].cancelled, true);
    assert.deepEqual(
      fakes[0].calls.map((c) => c.request.body),
      ['a', 'b'],
      'the freed slot takes the queued request',
    );
    assert.equal(r.list.length, 1);
    assert.equal(router.requestCounts.cancelled, 1);
  });

  test('a stream settles at its head with its chunks; its end comes with the call; the slot is held until then', async () => {
    const { router, fakes } = harness({ maxConcurrentQueries: 1 });
    const r = results();
    router.submit('call', request('a'), r.done);
    const call = fakes[0].calls[0];
    const grants: number[] = [];
    const push = call.opened!(206, { 'x-a': '1' }, { grant: (n) => grants.push(n), cancel: () => undefined });
    push('one');
    push('two');
    const result = r.list[0];
    assert.ok(result.ok);
    const stream = result.value as ServeStream;
    assert.ok(ServeStream.is(stream));
    assert.equal(stream.status, 206);
    assert.equal(router.inFlight, 1, 'the slot is held while the stream runs');
    fakes[0].answer(call, { value: undefined });
    const chunks: unknown[] = [];
    for await (const c of stream) chunks.push(c);
    assert.deepEqual(chunks, ['one', 'two']);
    assert.equal(router.inFlight, 0);
    assert.equal(router.requestCounts.succeeded, 1);
  });

  test('a stream is counted when it closes: cancelled if its reader left first, else as its head says', async () => {
    const { router, fakes } = harness({ maxConcurrentQueries: 3 });
    const r = results();
    const link = { grant: () => undefined, cancel: () => undefined };
    const open = (i: number) => {
      const call = fakes[0].calls[i];
      call.opened!(200, {}, link)('chunk');
      return { call, stream: (r.list[i] as { value: ServeStream }).value };
    };
    for (const body of ['left', 'ends', 'fails']) router.submit('call', request(body), r.done);
    const [left, ends, fails] = [0, 1, 2].map(open);
    assert.deepEqual(router.requestCounts, none, 'nothing counted at the head');
    await left.stream.cancel();
    fakes[0].answer(ends.call, { value: undefined });
    fakes[0].answer(fails.call, { error: new ServeError('HANDLER_FAILED', 'fell over') });
    assert.deepEqual(router.requestCounts, { ...none, succeeded: 2, cancelled: 1 });
    await ends.stream.cancel();
    assert.equal(router.requestCounts.cancelled, 1, 'leaving a stream that had ended cancels nothing');
  });
});

test("BackendRouter: a caller's signal used for many requests holds no listener once they are answered", () => {
  const { router, fakes } = harness();
  const r = results();
  const signal = new AbortController().signal;
  const added: unknown[] = [];
  const removed: unknown[] = [];
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, fn: () => void, opts?: AddEventListenerOptions) => {
    added.push(fn);
    add(type, fn, opts);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, fn: () => void) => {
    removed.push(fn);
    remove(type, fn);
  }) as typeof signal.removeEventListener;
  for (let i = 0; i < 5; i++) router.submit('call', request(i), r.done, false, undefined, signal);
  for (let i = 0; i < 5; i++) fakes[0].answer(undefined, { value: i });
  assert.equal(r.list.length, 5);
  assert.equal(added.length, 5);
  assert.deepEqual(new Set(removed), new Set(added));
});
