import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Composer, ModelV1, ModelV2, Scorer } from '../fixtures/observing/observing.backends';
import { serveAppForSuite } from '../helpers/serve-app';
import { recordingLogger } from '../helpers/backend.fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  const logs = recordingLogger();
  const s = serveAppForSuite(
    { backends: [Scorer, ModelV1, ModelV2, Composer] },
    { configure: (app) => app.useLogger(logs) },
  );

  test('a given id is echoed, and the handler sees it as request.id', async () => {
    const res = await s.http.post('/score').set('x-request-id', 'client-42:abc/def').send({}).expect(200);
    assert.equal(res.headers['x-request-id'], 'client-42:abc/def');
    assert.equal(res.body.id, 'client-42:abc/def');
  });

  test('without a header, a UUID is generated, echoed and seen by the handler', async () => {
    const res = await s.http.post('/score').send({}).expect(200);
    assert.match(res.headers['x-request-id'], UUID);
    assert.equal(res.body.id, res.headers['x-request-id']);
  });

  test('an unusable id (bad characters, too long) is replaced, and the log says so', async () => {
    for (const bad of ['has space', 'x'.repeat(129), 'semi;colon', '<script>']) {
      const res = await s.http.post('/score').set('x-request-id', bad).send({}).expect(200);
      assert.match(res.headers['x-request-id'], UUID, bad);
      assert.equal(res.body.id, res.headers['x-request-id']);
      const id = res.headers['x-request-id'];
      assert.ok(
        logs.lines.some((l) => l.includes('X-Request-Id') && l.includes(id) && l.includes('/score')),
        'a log line names the new id',
      );
    }
  });

  test('the id is in the 500 body and in the log line of the failure', async () => {
    const res = await s.http.post('/score').set('x-request-id', 'fail-7').send({ fail: true }).expect(500);
    assert.equal(res.headers['x-request-id'], 'fail-7');
    assert.equal(res.body.requestId, 'fail-7');
    const line = logs.lines.find((l) => l.includes('thread asked to fail'));
    assert.ok(line, 'the failure is logged');
    assert.match(line, /Backend 'scorer' replica scorer#\d: method 'call' threw \(request fail-7\)/);
  });

  test('the id is in the 405 body', async () => {
    const res = await s.http.get('/score').set('x-request-id', 'm-1').expect(405);
    assert.equal(res.body.requestId, 'm-1');
  });

  test("a handle call made inside a request carries the request's id, unless given one", async () => {
    const res = await s.http.post('/compose').set('x-request-id', 'outer-1').send({}).expect(200);
    assert.deepEqual(res.body, { outer: 'outer-1', inner: 'outer-1' });
    const given = await s.http.post('/compose').set('x-request-id', 'outer-2').send({ innerId: 'inner-9' }).expect(200);
    assert.deepEqual(given.body, { outer: 'outer-2', inner: 'inner-9' });
  });

  test('a handle call from the app gets a new id, or the one given', async () => {
    const generated = await s.serve.getHandle('predict').remote<{ id: string }>({});
    assert.match(generated.id, UUID);
    const given = await s.serve.getHandle('predict').remote<{ id: string }>({}, { requestId: 'job-3' });
    assert.equal(given.id, 'job-3');
  });
});
