import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStatusView } from '../../src/dashboard/status.view';
import { fakeBackend, fakeStatus } from '../helpers/fake-status';
import { DEFAULT_AUTOSCALING_CONFIG } from '../../src/serve.constants';

test('the view shows the split, shadows, backends with state, figures and replicas', () => {
  const html = renderStatusView(
    fakeStatus([fakeBackend('model-v1'), fakeBackend('model-v2'), fakeBackend('model-v3')]),
  );
  assert.match(html, /data-backend="model-v1">.*data-field="weight">90%/s);
  assert.match(html, /data-backend="model-v2">.*data-field="weight">10%/s);
  assert.match(html, /data-shadow="model-v3">.*copies 25%/s);
  assert.equal(html.match(/<tr data-replica=/g)?.length, 6);
  assert.match(html, /data-field="state">HEALTHY/);
  assert.match(html, /data-field="p99">41 ms/);
});

test('every value from the status is escaped', () => {
  const evil = '<img src=x onerror="alert(1)">';
  const backend = fakeBackend(evil, 1, {
    reason: `reason ${evil}`,
    events: [
      { type: 'replica-died', at: 1500, backend: evil, replica: `${evil}#1`, reason: evil, message: `died ${evil}` },
    ],
  });
  backend.figures.lastError = { message: `boom ${evil}`, at: 1900 };
  const status = fakeStatus([backend]);
  status.endpoints.predict.route = `/p/${evil}`;
  const html = renderStatusView(status);
  assert.ok(!html.includes('<img'), 'no raw tag from the status');
  assert.ok(!html.includes('onerror="'), 'no raw attribute from the status');
  assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/);
});

test('the view function is self-contained: its source alone renders the same page', () => {
  const status = fakeStatus([fakeBackend('a'), fakeBackend('b')]);
  const again = new Function(`return (${renderStatusView.toString()})`)() as typeof renderStatusView;
  assert.equal(again(status), renderStatusView(status));
});

test('numbers read well: percentages, latencies, memory, no-data dashes', () => {
  const b = fakeBackend('m', 1);
  b.figures = { ...b.figures, p50Ms: null, p99Ms: 2500, errorRate: 0.125, requestsPerSecond: 1234.4 };
  b.replicas[0].vitals = null;
  const html = renderStatusView(fakeStatus([b]));
  assert.match(html, /data-field="p50">–/);
  assert.match(html, /data-field="p99">2\.50 s/);
  assert.match(html, /data-field="errors">13%/);
  assert.match(html, /data-field="rps">1234/);
});

test('requests whose caller went away show as cancelled beside the error rate, only when there are some', () => {
  const b = fakeBackend('m', 1);
  const status = fakeStatus([b]);
  assert.doesNotMatch(renderStatusView(status), /data-field="cancelled"/);
  b.figures.cancelled = 7;
  status.endpoints.predict.figures.cancelled = 3;
  const html = renderStatusView(status);
  assert.match(
    html,
    /data-endpoint="predict">.*data-field="errors">[^<]*<\/span><\/div><div class="stat"><span class="label">cancelled<\/span><span class="value" data-field="cancelled">3</s,
  );
  assert.match(html, /data-backend="m">.*data-field="cancelled">7</s);
});

test('a rollout in progress and a backend autoscaling show what they are doing', () => {
  const backend = fakeBackend('model-v1', 1, {
    autoscaling: {
      ...DEFAULT_AUTOSCALING_CONFIG,
      lastDecision: { target: 3, reason: 'ongoing requests 6.0 / targetOngoingRequests 2', at: 1_000 },
    },
  });
  const status = fakeStatus([backend, fakeBackend('model-v2')]);
  status.endpoints.predict.rollout = {
    endpoint: 'predict',
    backend: 'model-v2',
    previous: { 'model-v1': 1 },
    step: 1,
    weight: 0.1,
    steps: [0.01, 0.1, 0.5, 1],
    startedAt: 500,
    lastCheck: '40 of 100 requests (minRequestsPerStep) so far',
    done: [],
  };
  const html = renderStatusView(status);
  assert.match(
    html,
    /data-field="rollout"><strong>Rollout to model-v2<\/strong> step 2 of 4 · 10% · 40 of 100 requests/,
  );
  assert.match(
    html,
    /data-field="autoscaling"><strong>Autoscaling<\/strong> 1–4 replicas, target 2 ongoing each · last: to 3/,
  );
});

test('the fleet section lists every instance with its revision, this one marked, silent ones dimmed', () => {
  const html = renderStatusView({
    at: 10_000,
    shuttingDown: false,
    backends: {},
    endpoints: {},
    fleet: {
      mode: 'shared',
      instance: 'a1',
      revision: 7,
      instances: [
        { id: 'a1', name: 'pod-<1>', revision: 7, lastSeen: 9000, startedAt: 0, live: true, self: true },
        {
          id: 'b2',
          name: 'pod-2',
          revision: 6,
          lastSeen: 1000,
          startedAt: 0,
          live: false,
          self: false,
          error: 'no class',
        },
      ],
    },
  });
  assert.match(html, /applied revision 7/);
  assert.match(html, /<tr data-instance="a1"><td>pod-&lt;1&gt; \(this one\)<\/td>/);
  assert.match(
    html,
    /<tr data-instance="b2" class="gone">.*<td class="n" data-field="instance-revision">6<\/td>.*no class/,
  );
  assert.doesNotMatch(renderStatusView({ at: 0, shuttingDown: false, backends: {}, endpoints: {} }), /Fleet/);
});
