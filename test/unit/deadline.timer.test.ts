import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { DeadlineTimer } from '../../src/backend/deadline.timer';

describe('DeadlineTimer', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'] }));
  afterEach(() => mock.timers.reset());

  function timer() {
    const expired: string[] = [];
    const deadlines = new DeadlineTimer<string>((item) => expired.push(item), Date.now);
    return { deadlines, expired };
  }

  test('an item expires at its timeout, not before, and only once', () => {
    const { deadlines, expired } = timer();
    deadlines.add('a', 100);
    mock.timers.tick(99);
    assert.deepEqual(expired, []);
    mock.timers.tick(1);
    assert.deepEqual(expired, ['a']);
    mock.timers.tick(1000);
    assert.deepEqual(expired, ['a']);
    assert.equal(deadlines.size, 0);
  });

  test('items of one timeout expire each at its own deadline, with one timer woken again for the oldest left', () => {
    const { deadlines, expired } = timer();
    deadlines.add('a', 100);
    mock.timers.tick(30);
    deadlines.add('b', 100);
    mock.timers.tick(30);
    deadlines.add('c', 100);
    mock.timers.tick(40);
    assert.deepEqual(expired, ['a']);
    mock.timers.tick(29);
    assert.deepEqual(expired, ['a']);
    mock.timers.tick(1);
    assert.deepEqual(expired, ['a', 'b']);
    mock.timers.tick(30);
    assert.deepEqual(expired, ['a', 'b', 'c']);
  });

  test('a deleted item never expires; the oldest left still does at its own deadline', () => {
    const { deadlines, expired } = timer();
    deadlines.add('a', 100);
    mock.timers.tick(50);
    deadlines.add('b', 100);
    deadlines.delete('a', 100);
    mock.timers.tick(50);
    assert.deepEqual(expired, []);
    mock.timers.tick(50);
    assert.deepEqual(expired, ['b']);
  });

  test('items of different timeouts expire by their own (a shorter timeout set later expires first)', () => {
    const { deadlines, expired } = timer();
    deadlines.add('slow', 1000);
    deadlines.add('fast', 10);
    mock.timers.tick(10);
    assert.deepEqual(expired, ['fast']);
    mock.timers.tick(990);
    assert.deepEqual(expired, ['fast', 'slow']);
  });

  test('the last item deleted takes its timer with it: no timer is left pending', () => {
    const { deadlines, expired } = timer();
    let fired = 0;
    const probe = new DeadlineTimer<string>(() => fired++, Date.now);
    probe.add('x', 100);
    probe.delete('x', 100);
    deadlines.add('y', 100);
    deadlines.delete('y', 100);
    mock.timers.tick(1000);
    assert.equal(fired, 0);
    assert.deepEqual(expired, []);
    assert.equal(deadlines.size, 0);
  });

  test('an item added while others expire is timed from when it was added', () => {
    const expired: string[] = [];
    const deadlines: DeadlineTimer<string> = new DeadlineTimer<string>((item) => {
      expired.push(item);
      if (item === 'a') deadlines.add('late', 100);
    }, Date.now);
    deadlines.add('a', 100);
    mock.timers.tick(100);
    assert.deepEqual(expired, ['a']);
    mock.timers.tick(99);
    assert.deepEqual(expired, ['a']);
    mock.timers.tick(1);
    assert.deepEqual(expired, ['a', 'late']);
  });
});
