import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { MlpTrainer } from '../../sample-app/model-maker/mlp.trainer';
import { encodeMlpModel } from '../../sample-app/model-maker/onnx.writer';
import { seededRandom } from '../../sample-app/markov.model';

test('encodeMlpModel: onnxruntime loads the file and computes what the trainer computes, for any batch size', async () => {
  const trainer = new MlpTrainer(5, 4, 3, seededRandom(11));
  trainer.weights.b1.set([0.1, -0.2, 0.3, 0]);
  trainer.weights.b2.set([0.5, 0, -0.5]);
  const dir = mkdtempSync(join(tmpdir(), 'onnx-writer-'));
  try {
    const file = join(dir, 'mlp.onnx');
    const metadata = { recipe: 'test' };
    writeFileSync(file, encodeMlpModel(trainer.weights, { input: 'x', output: 'p', docString: 'a test', metadata }));
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
    assert.deepEqual(session.inputNames, ['x']);
    assert.deepEqual(session.outputNames, ['p']);
    const rows = [
      new Map([[0, 1]]),
      new Map([
        [2, -1],
        [4, 2],
      ]),
      new Map<number, number>(),
    ];
    const data = new Float32Array(rows.length * 5);
    rows.forEach((row, r) => row.forEach((v, c) => (data[r * 5 + c] = v)));
    const out = await session.run({ x: new ort.Tensor('float32', data, [rows.length, 5]) });
    assert.deepEqual(out.p.dims, [3, 3]);
    const got = out.p.data as Float32Array;
    rows.forEach((row, r) => {
      trainer.predict(row).forEach((p, k) => assert.ok(Math.abs(got[r * 3 + k] - p) < 1e-6, `row ${r} class ${k}`));
    });
    await session.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(
    () => encodeMlpModel({ ...trainer.weights, inputs: 6 }, { input: 'x', output: 'p', docString: '', metadata: {} }),
    /tensor W1: 20 values do not fill dims \[6, 4\]/,
  );
});
