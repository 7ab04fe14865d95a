import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Multiplexed } from '../../src';

test('@Multiplexed() refuses bad options, naming the class and the option', () => {
  const decorate = (options: object) => {
    class Bad {
      async load() {
        return 1;
      }
    }
    Multiplexed(options as never)(Bad.prototype, 'load', Object.getOwnPropertyDescriptor(Bad.prototype, 'load')!);
  };
  assert.throws(() => decorate({ maxModelsPerReplica: 0 }), /class 'Bad': option 'maxModelsPerReplica' is 0/);
  assert.throws(() => decorate({ maxModelsPerReplica: 2, preload: 'a' }), /option 'preload'/);
  assert.throws(() => decorate({ maxModelsPerReplica: 2, routing: 'fastest' }), /option 'routing'/);
  assert.throws(() => decorate({ maxModelsPerReplica: 2, modelReplicas: { a: 0 } }), /option 'modelReplicas'/);
  assert.throws(() => decorate({ maxModelsPerReplica: 2, modelReplicas: ['a'] }), /option 'modelReplicas'/);
  assert.doesNotThrow(() => decorate({ maxModelsPerReplica: 2, modelReplicas: { 'en-fr': 3 } }));
  assert.doesNotThrow(() => decorate({ maxModelsPerReplica: 2, preload: ['a'] }));
});

test('@Multiplexed() refuses preload ids a request could not name (the model-id rule)', () => {
  const decorate = (preload: string[]) => {
    class Zoo {
      async load() {
        return 1;
      }
    }
    Multiplexed({ maxModelsPerReplica: 2, preload })(
      Zoo.prototype,
      'load',
      Object.getOwnPropertyDescriptor(Zoo.prototype, 'load')!,
    );
  };
  for (const bad of ['', '../../etc/passwd', 'a\u0000b', 'x'.repeat(500)])
    assert.throws(
      () => decorate(['ok', bad]),
      /class 'Zoo': preload id '.*' \(\d+ characters\) is not a usable model id/,
    );
  assert.doesNotThrow(() => decorate(['org/model-1.2', 'en-fr']));
});
