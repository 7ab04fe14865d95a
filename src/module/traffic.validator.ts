import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';

/** How far from 1 a traffic split's weights may sum (floating-point shares such as 0.1 + 0.2 + 0.7). */
const WEIGHT_TOLERANCE = 1e-6;

/**
 * Checks a `setTraffic` split: at least one backend, weights finite and >= 0, summing to 1; each
 * backend named is checked by `assertServes` (it exists and serves the endpoint). Throws a
 * ServeError naming the endpoint and what is wrong.
 */
export function validateTraffic(
  endpoint: string,
  traffic: unknown,
  assertServes: (backend: string) => void,
): asserts traffic is Record<string, number> {
  if (typeof traffic !== 'object' || traffic === null || Object.keys(traffic).length === 0) {
    throw new ServeError('INVALID_CONFIG', messages.trafficEmpty(endpoint));
  }
  for (const [backend, weight] of Object.entries(traffic)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new ServeError('INVALID_CONFIG', messages.trafficWeight(endpoint, backend, weight));
    }
    assertServes(backend);
  }
  const sum = Object.values(traffic as Record<string, number>).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) throw new ServeError('INVALID_CONFIG', messages.trafficSum(endpoint, sum));
}
