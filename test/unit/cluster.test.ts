import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBatch, encodeBatch, PayloadTooLargeError } from '../../src/cluster/cluster.codec';
import { clusterSubjects } from '../../src/cluster/cluster.protocol';
import { parseReplicaArgs } from '../../src/cli/serve.cli';
import { validateModuleOptions, validatePlacement } from '../../src/options/config.validator';

test('batches cross NATS in structured-clone form: bytes, dates and maps survive', () => {
  const batch = [{ t: 'call', id: 1, r: { body: new Uint8Array([1, 2, 3]), at: new Date(5), m: new Map([['a', 1]]) } }];
  const [chunk] = encodeBatch(batch, 1024 * 1024);
  assert.deepEqual(decodeBatch(chunk.data), batch);
});

test('a batch over max_payload is split into chunks that fit, in order', () => {
  const batch = Array.from({ length: 10 }, (_, i) => ({ id: i, body: 'x'.repeat(300) }));
  const chunks = encodeBatch(batch, 1000);
  assert.ok(chunks.length > 1);
  for (const chunk of chunks) assert.ok(chunk.data.length <= 1000);
  assert.deepEqual(
    chunks.flatMap((c) => decodeBatch(c.data)),
    batch,
  );
  assert.deepEqual(
    chunks.flatMap((c) => c.messages),
    batch,
  );
});

test('one message over max_payload throws before anything is sent; so does an uncloneable one', () => {
  assert.throws(
    () => encodeBatch([{ body: 'x'.repeat(2000) }], 1000),
    (err: Error) => err instanceof PayloadTooLargeError && /max_payload of 1000 bytes/.test(err.message),
  );
  assert.throws(() => encodeBatch([{ small: 1 }, { body: 'x'.repeat(2000) }], 1000), PayloadTooLargeError);
  assert.throws(() => encodeBatch([{ f: () => 1 }], 1000), /could not be cloned/);
});

test('subjects carry the backend name, so NATS permissions can scope a replica host to its backends', () => {
  const s = clusterSubjects('acme.serve');
  assert.equal(s.toReplica('sentiment', 'h1-3'), 'acme.serve.b.sentiment.h1-3');
  assert.equal(s.toApp('h1', 'h1-3'), 'acme.serve.h.h1.h1-3');
  assert.equal(s.appInbox('h1'), 'acme.serve.h.h1.>');
  assert.equal(s.control('a1'), 'acme.serve.agent.a1.ctl');
});

test('cluster options and placements are checked, naming the option and what to do', () => {
  validateModuleOptions({
    cluster: {
      servers: ['nats://a:4222', 'nats://b:4222'],
      prefix: 'a.b',
      heartbeatTimeoutMs: 500,
      connection: { user: 'u' },
    },
  });
  assert.throws(
    () => validateModuleOptions({ cluster: {} as never }),
    /cluster: option 'servers' is undefined; expected a NATS URL/,
  );
  assert.throws(() => validateModuleOptions({ cluster: { servers: [] } }), /'servers' is \[\]/);
  assert.throws(() => validateModuleOptions({ cluster: { servers: 'nats://x', prefix: 'a b' } }), /'prefix'/);
  assert.throws(
    () => validateModuleOptions({ cluster: { servers: 'nats://x', heartbeatMs: 1 } as never }),
    /unknown option 'heartbeatMs'/,
  );
  assert.throws(
    () => validateModuleOptions({ cluster: { servers: 'nats://x', heartbeatPeriodMs: 600 } }),
    /heartbeatPeriodMs \(600\) must be at most half of heartbeatTimeoutMs \(1000\)/,
  );
  assert.throws(
    () => validatePlacement({ name: 'm', placement: 'remote' }, false),
    /placement 'remote' but ServeModule has no cluster/,
  );
  assert.throws(() => validatePlacement({ name: 'my model', placement: 'both' }, true), /letters, digits/);
  validatePlacement({ name: 'my model', placement: 'local' }, false);
});

test('the replica command line: modules, servers, credentials from flags or the environment', () => {
  const options = parseReplicaArgs(
    [
      'replica',
      '--module',
      'a.js',
      '--module',
      'b.js',
      '--servers',
      'nats://x:1,nats://y:2',
      '--backend',
      'm',
      '--tls-ca',
      'ca.pem',
      '--drain-timeout-ms',
      '500',
    ],
    { NATS_USER: 'u', NATS_PASSWORD: 'p' },
  );
  assert.deepEqual(options.modules, ['a.js', 'b.js']);
  assert.deepEqual(options.servers, ['nats://x:1', 'nats://y:2']);
  assert.deepEqual(options.backends, ['m']);
  assert.deepEqual(options.connection, {
    user: 'u',
    pass: 'p',
    tls: { caFile: 'ca.pem', certFile: undefined, keyFile: undefined },
  });
  assert.equal(options.drainTimeoutMs, 500);
  assert.deepEqual(parseReplicaArgs(['replica', '--module', 'a.js'], { NATS_URL: 'nats://z:9' }).servers, [
    'nats://z:9',
  ]);
  assert.throws(() => parseReplicaArgs(['replica'], {}), /--module is required/);
  assert.throws(
    () => parseReplicaArgs(['serve', '--module', 'a.js'], {}),
    /the commands are 'replica', 'status' and 'apply'/,
  );
  assert.throws(
    () => parseReplicaArgs(['replica', '--module', 'a.js', '--drain-timeout-ms', 'soon'], {}),
    /--drain-timeout-ms/,
  );
  assert.throws(
    () => parseReplicaArgs(['replica', '--module', 'a.js', '--tls-key', 'k.pem'], {}),
    /--tls-cert and --tls-key go together/,
  );
});
