import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointSummary } from '../../src/module/endpoint.summary';

test('one line per endpoint: route, methods, backends with shares and replicas, shadows', () => {
  const lines = endpointSummary(
    {
      '/sentiment': {
        route: '/sentiment',
        methods: ['POST'],
        traffic: { SentimentV1: 0.9, SentimentV2: 0.1 },
        shadows: { SentimentV3: 0.05 },
      },
      tokenize: { route: '/tokenize', methods: ['GET', 'POST'], traffic: { Tokenizer: 1 }, shadows: {} },
    },
    {
      SentimentV1: { numReplicas: 2, replica: 'thread' },
      SentimentV2: { numReplicas: 1, replica: 'process' },
      SentimentV3: { numReplicas: 1, replica: 'thread' },
      Tokenizer: { numReplicas: 3, replica: 'thread' },
    },
  );
  assert.deepEqual(lines, [
    "endpoint '/sentiment': POST /sentiment → SentimentV1 90% (2 thread replicas), SentimentV2 10% (1 process replica); shadows: SentimentV3 5% (1 thread replica)",
    "endpoint 'tokenize': GET, POST /tokenize → Tokenizer 100% (3 thread replicas)",
  ]);
});
