import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { streamRequest } from '../helpers/stream-client';
import { AppModule } from '../../sample-app/app.module';

const POSITIVE = 'I love this, it is wonderful!';
const NEGATIVE = 'This is terrible and I hate it.';
const MILD = 'The food was good.';

interface Answer {
  score: number;
  label: string;
  version: string;
}

describe('sample app: sentiment canary', () => {
  let app: INestApplication;
  let server: Server;

  before(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    server = app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await app?.close();
  });

  /** Scores `text`, expecting a 200. */
  async function score(text: string): Promise<Answer> {
    const res = await request(server).post('/sentiment').send({ text }).expect(200);
    return res.body as Answer;
  }

  /** Scores `text` `n` times, `concurrency` requests at a time. */
  async function scoreMany(text: string, n: number, concurrency = 10): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < n; i += concurrency) {
      const batch = Array.from({ length: Math.min(concurrency, n - i) }, () => score(text));
      answers.push(...(await Promise.all(batch)));
    }
    return answers;
  }

  async function setV2Share(v2: number): Promise<void> {
    await request(server).post('/admin/traffic').send({ v2 }).expect(200);
  }

  async function setThreshold(threshold: number): Promise<void> {
    await request(server).post('/admin/threshold').send({ threshold }).expect(200);
  }

  test('starts with a 90/10 split and lists both backends', async () => {
    const traffic = await request(server).get('/admin/traffic').expect(200);
    assert.deepEqual(traffic.body.traffic, { SentimentV1: 0.9, SentimentV2: 0.1 });
    assert.equal(traffic.body.route, '/sentiment');
    const backends = await request(server).get('/admin/backends').expect(200);
    assert.equal(backends.body.SentimentV1.numReplicas, 2);
    assert.equal(backends.body.SentimentV2.numReplicas, 1);
    assert.deepEqual(backends.body.SentimentV1.userConfig, { threshold: 0.1 });
  });

  test('labels positive and negative text with a real model, in both versions', async () => {
    for (const [share, version] of [
      [0, 'v1'],
      [1, 'v2'],
    ] as const) {
      await setV2Share(share);
      const positive = await score(POSITIVE);
      assert.equal(positive.version, version);
      assert.equal(positive.label, 'positive');
      assert.ok(positive.score > 0.1, `${version} positive score ${positive.score}`);
      const negative = await score(NEGATIVE);
      assert.equal(negative.version, version);
      assert.equal(negative.label, 'negative');
      assert.ok(negative.score < -0.1, `${version} negative score ${negative.score}`);
    }
    await setV2Share(0.1);
  });

  test('answers 400 when text is missing or not a string', async () => {
    for (const body of [{}, { text: 42 }, { txt: 'hello' }]) {
      const res = await request(server).post('/sentiment').send(body).expect(400);
      assert.match(String(res.body.message), /text/);
    }
  });

  test('sends about 10% of the traffic to v2 by default', async () => {
    const answers = await scoreMany(POSITIVE, 200);
    const v2 = answers.filter((a) => a.version === 'v2').length;
    assert.equal(answers.filter((a) => a.version === 'v1').length, 200 - v2);
    assert.ok(v2 >= 6 && v2 <= 40, `v2 got ${v2} of 200 requests`);
  });

  test('shifts all traffic to v2, then back to v1', async () => {
    await setV2Share(1);
    assert.deepEqual((await request(server).get('/admin/traffic').expect(200)).body.traffic, {
      SentimentV1: 0,
      SentimentV2: 1,
    });
    assert.ok((await scoreMany(MILD, 30)).every((a) => a.version === 'v2'));
    await setV2Share(0);
    assert.ok((await scoreMany(MILD, 30)).every((a) => a.version === 'v1'));
    await setV2Share(0.1);
  });

  test('a higher threshold applies at once in every replica', async () => {
    await setV2Share(0.5);
    const initial = await scoreMany(MILD, 20);
    assert.ok(
      initial.every((a) => a.label === 'positive'),
      JSON.stringify(initial),
    );
    await setThreshold(0.99);
    const backends = (await request(server).get('/admin/backends').expect(200)).body;
    assert.deepEqual(backends.SentimentV1.userConfig, { threshold: 0.99 });
    assert.deepEqual(backends.SentimentV2.userConfig, { threshold: 0.99 });
    // One request at a time: ties are taken in turn, so both v1 replicas serve some of them.
    for (const share of [0, 1]) {
      await setV2Share(share);
      for (let i = 0; i < 10; i++) {
        const answer = await score(MILD);
        assert.equal(answer.label, 'neutral', JSON.stringify(answer));
      }
    }
    await setThreshold(0.1);
    await setV2Share(0.1);
  });

  test('rejects an invalid traffic share with 400 and keeps the split', async () => {
    const res = await request(server).post('/admin/traffic').send({ v2: 1.5 }).expect(400);
    assert.match(String(res.body.message), /weight/);
    await request(server).post('/admin/traffic').send({ v2: 'half' }).expect(400);
    const traffic = await request(server).get('/admin/traffic').expect(200);
    assert.deepEqual(traffic.body.traffic, { SentimentV1: 0.9, SentimentV2: 0.1 });
  });

  test("a request cannot reset a replica's threshold through X-Serve-Call-Method: reconfigure", async () => {
    await setV2Share(0);
    const res = await request(server).post('/sentiment').set('X-Serve-Call-Method', 'reconfigure').send({ text: MILD });
    assert.ok(res.status >= 400, `status ${res.status}`);
    for (let i = 0; i < 6; i++) assert.equal((await score(MILD)).label, 'positive');
    await setV2Share(0.1);
  });

  test('rejects an invalid threshold with 400', async () => {
    await request(server).post('/admin/threshold').send({ threshold: -1 }).expect(400);
    const backends = (await request(server).get('/admin/backends').expect(200)).body;
    assert.deepEqual(backends.SentimentV1.userConfig, { threshold: 0.1 });
  });

  test('POST /generate streams words of the Markov model as they are made (curl -N)', async () => {
    const { port } = server.address() as AddressInfo;
    const reply = await streamRequest(port, '/generate', {
      body: { prompt: 'the food', words: 8, delayMs: 40, seed: 7 },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['transfer-encoding'], 'chunked');
    const words = reply.text.trim().split(' ');
    assert.equal(words.length, 8);
    assert.ok(reply.chunks.length >= 4, `words came in ${reply.chunks.length} reads`);
    const again = await streamRequest(port, '/generate', {
      body: { prompt: 'the food', words: 8, delayMs: 0, seed: 7 },
    });
    assert.equal(again.text, reply.text, 'same seed, same text');
    await request(server).post('/generate').send({ words: 1000 }).expect(400);
  });

  test('POST /generate/events streams Server-Sent Events: tokens with their sentiment, then done', async () => {
    const { port } = server.address() as AddressInfo;
    const reply = await streamRequest(port, '/generate/events', { body: { words: 5, delayMs: 0, seed: 3 } });
    assert.match(String(reply.headers['content-type']), /^text\/event-stream/);
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    parser.feed(reply.text);
    assert.deepEqual(
      events.map((e) => e.event),
      ['token', 'token', 'token', 'token', 'token', 'done'],
    );
    const tokens = events.slice(0, 5).map((e) => JSON.parse(e.data) as { word: string; score: number });
    const done = JSON.parse(events[5].data) as { words: number; score: number };
    assert.equal(done.words, 5);
    assert.equal(
      done.score,
      tokens.reduce((sum, t) => sum + t.score, 0),
    );
  });
});
