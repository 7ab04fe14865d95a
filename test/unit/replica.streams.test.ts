import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoalescingChannel } from '../../src/replicas/message.channel';
import type { FromReplica, WireOutcome } from '../../src/replicas/replica.protocol';
import { ReplicaStreams } from '../../src/replicas/replica.streams';
import type { ServeRequest } from '../../src/interfaces/serve-request.interface';

const request = (): ServeRequest => ({
  method: 'POST',
  path: '/x',
  params: {},
  query: {},
  headers: {},
  body: null,
  id: 'r1',
});

function streams(): ReplicaStreams {
  const out = new CoalescingChannel<FromReplica>(
    () => undefined,
    () => undefined,
  );
  return new ReplicaStreams(
    out,
    'b',
    (_id: number, _o: WireOutcome) => undefined,
    () => undefined,
  );
}

/** Counts the AbortControllers made while `fn` runs. */
function countControllers(fn: () => void): number {
  const Original = globalThis.AbortController;
  let made = 0;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      made++;
    }
  };
  try {
    fn();
  } finally {
    globalThis.AbortController = Original;
  }
  return made;
}

test('a call whose handler never reads request.signal makes no AbortController', () => {
  const s = streams();
  const made = countControllers(() => {
    for (let id = 1; id <= 100; id++) {
      const r = request();
      s.begin(id, r);
      s.end(id, { ok: true, v: { v: 1 } });
    }
  });
  assert.equal(made, 0);
});

test('request.signal read before the call is cancelled aborts then, with the reason', () => {
  const s = streams();
  const r = request();
  s.begin(1, r);
  const signal = r.signal!;
  assert.equal(signal.aborted, false);
  assert.equal(r.signal, signal, 'the same signal each read');
  s.cancel(1);
  assert.equal(signal.aborted, true);
  assert.equal((signal.reason as { code?: string }).code, 'CANCELLED');
});

test('request.signal first read after the call was cancelled is already aborted', () => {
  const s = streams();
  const r = request();
  s.begin(1, r);
  s.cancel(1);
  assert.equal(r.signal!.aborted, true);
  assert.match(String((r.signal!.reason as Error).message), /cancel/i);
});

test('request.signal is an own enumerable property: spread and Object.keys see it, assignment replaces it', () => {
  const s = streams();
  const r = request();
  s.begin(1, r);
  assert.ok(Object.keys(r).includes('signal'));
  const copy = { ...r };
  assert.ok(copy.signal instanceof AbortSignal);
  assert.equal(copy.signal, r.signal);
  const other = new AbortController().signal;
  r.signal = other;
  assert.equal(r.signal, other);
});
