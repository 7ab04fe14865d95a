import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MlpTrainer, type TrainingExample } from '../../sample-app/model-maker/mlp.trainer';
import { seededRandom } from '../../sample-app/markov.model';

/** Class 1 when exactly one of features 0 and 1 is set (XOR): no linear model separates it. */
const XOR: TrainingExample[] = [
  { features: new Map(), label: 0 },
  { features: new Map([[0, 1]]), label: 1 },
  { features: new Map([[1, 1]]), label: 1 },
  {
    features: new Map([
      [0, 1],
      [1, 1],
    ]),
    label: 0,
  },
];

test('MlpTrainer: learns XOR through its hidden layer; a seed repeats the weights', () => {
  const train = () => {
    const trainer = new MlpTrainer(2, 8, 2, seededRandom(7));
    const losses: number[] = [];
    for (let e = 0; e < 400; e++) losses.push(trainer.epoch(XOR, 0.1));
    return { trainer, losses };
  };
  const { trainer, losses } = train();
  assert.ok(losses[losses.length - 1] < losses[0] / 10, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  for (const { features, label } of XOR) {
    const p = trainer.predict(features);
    assert.ok(p[label] > 0.9, `${[...features.keys()]}: ${p}`);
  }
  assert.deepEqual(train().trainer.weights, trainer.weights);
});
