import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SentimentNNModel } from '../sentiment-nn.model';

/**
 * `npm run time:model`: the sample's ONNX network alone, in this process (no HTTP, no replicas):
 * CPU time per text (the whole of `reviews.txt`, ~230 words) when texts run one at a time and in
 * batches of 8 and 32. CPU time, not wall time, so that other work on the machine changes it less.
 */
async function main(): Promise<void> {
  const model = new SentimentNNModel('time-sentiment-model');
  await model.ready();
  const review = readFileSync(join(__dirname, '..', 'reviews.txt'), 'utf8');
  const texts = 1_600;
  for (const batch of [1, 8, 32]) {
    const inputs = Array.from({ length: batch }, () => review);
    for (let i = 0; i < 100; i++) await model.predict(inputs);
    const start = process.cpuUsage();
    for (let i = 0; i < texts / batch; i++) await model.predict(inputs);
    const used = process.cpuUsage(start);
    console.log(`batch ${batch}: ${((used.user + used.system) / texts).toFixed(0)} µs CPU per text`);
  }
}

void main();
