import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runClosedLoop } from '../../bench/servers/closed.loop';

test('a closed loop keeps exactly inFlight calls going, counts those settled in the window, and waits for the rest', async () => {
  let running = 0;
  let most = 0;
  let started = 0;
  const call = (): Promise<unknown> => {
    started++;
    running++;
    most = Math.max(most, running);
    const fails = started % 10 === 0;
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        running--;
        if (fails) reject(new Error('no'));
        else resolve(1);
      }),
    );
  };
  const loop = runClosedLoop(call, 8, 0.2);
  const f = await loop;
  assert.equal(most, 8, 'never more than inFlight at once');
  assert.equal(running, 0, 'resolves only once every call settled');
  assert.ok(f.calls > 50, `calls ${f.calls}`);
  assert.ok(f.calls <= started, 'calls settled after the window are not counted');
  assert.ok(Math.abs(f.failures - f.calls / 10) <= 8, `failures ${f.failures} of ${f.calls}`);
  assert.ok(f.seconds >= 0.19 && f.seconds < 1, `window ${f.seconds} s`);
  assert.ok(f.eluActiveMs > 0 && f.processCpuUs > 0);
});
