import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labelOf } from '../../sample-app/sentiment.common';
import {
  CUSTOMERS,
  CustomerSentiment,
  type CustomerSentimentResult,
} from '../../sample-app/sentiment-customers.backend';
import { serveAppForSuite, waitFor } from '../helpers/serve-app';

// The sample app's multiplexing demo: one ONNX sentiment model per customer on 2 thread replicas,
// at most 2 customers' models per replica, over real HTTP. Rerun alone with:
//   npm run build && node --test --test-concurrency=1 -r @swc-node/register test/e2e/sentiment-customers.test.ts

const TEXT = 'The food was good but the service was slow.';

describe('CustomerSentiment: one ONNX model per customer (the sample app’s multiplexing demo)', () => {
  const s = serveAppForSuite({ backends: [CustomerSentiment] });
  const models = () => s.serve.status().backends.CustomerSentiment.models!;
  const score = async (customer: string) =>
    (await s.http.post(`/customers/${customer}/sentiment`).send({ text: TEXT }).expect(200))
      .body as CustomerSentimentResult;

  test("acme is preloaded; each customer's model labels with its own threshold, scores from the same network", async () => {
    await waitFor('acme preloaded on a replica', () => (models().holders.acme?.length ?? 0) >= 1, 20_000);
    const results = [];
    for (const customer of Object.keys(CUSTOMERS)) results.push(await score(customer));
    for (const r of results) {
      assert.equal(r.version, 'nn');
      assert.equal(r.label, labelOf(r.score, CUSTOMERS[r.customer].threshold), JSON.stringify(r));
      assert.ok(Math.abs(r.score - results[0].score) < 1e-6, 'the same network for every customer');
    }
    assert.deepEqual(
      results.map((r) => r.customer),
      Object.keys(CUSTOMERS),
    );
  });

  test('requests for a customer go where its model is: no more loads for repeated requests', async () => {
    await score('globex');
    const loads = models().loads;
    for (let i = 0; i < 10; i++) await score('globex');
    assert.equal(models().loads, loads, JSON.stringify(models()));
    assert.ok(models().hits >= 10);
    assert.ok(Object.values(models().holders).every((replicas) => replicas.length >= 1));
    assert.ok(models().modelsPerReplica <= 2);
  });

  test('an unknown customer answers 503 naming the customer and those known; the replicas keep serving', async () => {
    const res = await s.http.post('/customers/nobody/sentiment').send({ text: TEXT }).expect(503);
    assert.match(JSON.stringify(res.body), /no model for customer 'nobody'/);
    assert.match(JSON.stringify(res.body), /acme, globex, initech, umbrella/);
    await score('acme');
  });

  test('a customer id that is not one gives 400; a missing text gives 400', async () => {
    await s.http.post('/customers/bad%20id/sentiment').send({ text: TEXT }).expect(400);
    await s.http.post('/customers/acme/sentiment').send({}).expect(400);
  });
});
