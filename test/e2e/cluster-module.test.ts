import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { ReplicaHost, ServeModule, ServeService } from '../../src';
import { startReplicaHost } from '../helpers/replica-host';
import { LocalEcho, RemoteEcho } from '../fixtures/cluster/cluster.backends';
import { sharedNats } from '../helpers/processes';
import { waitFor } from '../helpers/serve-app';

type Replica = { host: string; state: string };

/** Cluster wiring inside one process: forRootAsync, a ReplicaHost started from code, runtime changes. */
describe('cluster: module wiring and ServeService', () => {
  const prefix = `m${randomBytes(4).toString('hex')}`;
  let nats: { url: string; stop(): Promise<void> };
  let app: Awaited<ReturnType<typeof NestFactory.create>>;
  let serve: ServeService;
  let host: ReplicaHost | undefined;
  const remoteHosts = (backend: string) =>
    (serve.listBackends()[backend]?.replicas as Replica[]).filter((r) => r.state === 'ready').map((r) => r.host);

  before(async () => {
    nats = await sharedNats();
    @Module({
      imports: [
        ServeModule.forRootAsync({
          useFactory: async () => ({ backends: [RemoteEcho, LocalEcho], cluster: { servers: nats.url, prefix } }),
        }),
      ],
    })
    class AppModule {}
    app = await NestFactory.create(AppModule, { logger: false });
    await app.init();
    serve = app.get(ServeService);
  });

  after(async () => {
    await host?.stop();
    await app?.close();
    await nats?.stop();
  });

  test('before any replica host joins, a remote backend answers 503 at once, saying what to start', async () => {
    assert.equal(serve.listBackends()['remote-echo'].status, 'unavailable');
    const started = Date.now();
    const res = await request(app.getHttpServer()).get('/remote').expect(503);
    assert.ok(Date.now() - started < 500);
    assert.equal(res.headers['retry-after'], '1');
    assert.match(
      res.body.message,
      /Backend 'remote-echo' has no replica: no replica host serving it has joined\. Start one: npx nestjs-serve replica/,
    );
  });

  test('a ReplicaHost started from code joins (after a foreign message under the prefix); backends created at run time with placement remote (process replicas) use it; deleting one stops its replicas there', async () => {
    // Foreign messages under the prefix are ignored, not fatal to the app's NATS client.
    const { connect } = await import('@nats-io/transport-node');
    const stranger = await connect({ servers: nats.url });
    stranger.publish(`${prefix}.agents`, 'not a nestjs-serve message');
    await stranger.flush();
    await stranger.close();
    host = await startReplicaHost({
      servers: nats.url,
      prefix,
      modules: ['test/fixtures/cluster/cluster.backends.ts'],
      backends: ['remote-echo', 'RemoteEcho'],
      name: 'in-process',
    });
    assert.deepEqual(host.backends, ['remote-echo']);
    await waitFor('the remote replica', () => remoteHosts('remote-echo').join() === 'in-process');
    await request(app.getHttpServer()).get('/remote').expect(200);

    await serve.createBackend('remote-two', RemoteEcho, { placement: 'remote', numReplicas: 2, replica: 'process' });
    await waitFor(
      'remote-two on the replica host',
      () => remoteHosts('remote-two').join() === 'in-process,in-process',
      20_000,
    );
    const kinds = (serve.listBackends()['remote-two'].replicas as { replica: string }[]).map((r) => r.replica);
    assert.deepEqual(
      kinds,
      ['process', 'process'],
      'the replica host runs process replicas when the backend asks for them',
    );
    await serve.setTraffic('local', { 'remote-two': 1 });
    const res = await request(app.getHttpServer()).get('/local').expect(200);
    assert.equal(res.body.greeting, 'hello');
    assert.notEqual(res.body.pid, process.pid, 'served by a replica process');
    await serve.setTraffic('local', { 'local-echo': 1 });
    await serve.deleteBackend('remote-two');
    assert.equal(serve.listBackends()['remote-two'], undefined);

    await serve.createBackend('not-served', LocalEcho, { placement: 'remote' });
    assert.deepEqual(remoteHosts('not-served'), [], 'the replica host does not serve LocalEcho (--backend filter)');
    await serve.deleteBackend('not-served');
  });

  test("a remote backend's name must fit in NATS subjects; a refused one leaves nothing behind", async () => {
    await assert.rejects(
      serve.createBackend('bad name', RemoteEcho, { placement: 'remote' }),
      /cannot run on replica hosts: its name goes into NATS subjects/,
    );
    assert.equal(serve.listBackends()['bad name'], undefined);
  });

  test("a ReplicaHost's stop() drains: the app stops sending to it and its replicas stop", async () => {
    await host!.stop();
    await waitFor('the replica gone', () => remoteHosts('remote-echo').length === 0, 5000);
    host = undefined;
    await request(app.getHttpServer()).get('/remote').expect(503);
  });
});
