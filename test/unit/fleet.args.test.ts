import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFleetArgs } from '../../src/cli/fleet.args';
import { commandName } from '../../src/cli/serve.cli';
import { UsageError } from '../../src/cli/usage.error';

test('a command line parseArgs rejects is a usage error (usage, exit 2), not a crash', () => {
  const cases: [string[], RegExp][] = [
    [['status', '--bogus'], /Unknown option '--bogus'/],
    [['status', '--servers'], /--servers <value>' argument missing/],
    [['status', '--json=1'], /'--json' does not take an argument/],
    [['apply', 'f.json', '--timeout-ms', '-5'], /--timeout-ms/],
  ];
  for (const [argv, message] of cases)
    assert.throws(
      () => parseFleetArgs(argv, {}),
      (err) => err instanceof UsageError && message.test(err.message),
    );
});

test('options may come before the command: the command is the first argument no option takes', () => {
  assert.equal(commandName(['--servers', 'nats://127.0.0.1:4399', 'status']), 'status');
  assert.equal(commandName(['--prefix=p', '--json', 'apply', 'f.json']), 'apply');
  assert.equal(commandName(['--module', 'a.js', 'replica']), 'replica');
  assert.equal(commandName(['--dry-run', '--timeout-ms', '5', 'apply', 'f.json']), 'apply');
  assert.equal(commandName(['--help']), undefined);
  const args = parseFleetArgs(['--servers', 'nats://127.0.0.1:4399', '--prefix', 'p', 'status'], {});
  assert.deepEqual([args.command, args.servers, args.prefix], ['status', ['nats://127.0.0.1:4399'], 'p']);
});

test('--prefix must be a cluster.prefix an app can have', () => {
  assert.throws(
    () => parseFleetArgs(['status', '--prefix', 'a b'], {}),
    (err) => err instanceof UsageError && /--prefix 'a b'.*dot-separated tokens/.test(err.message),
  );
  assert.equal(parseFleetArgs(['status', '--prefix', 'a.b-c_d'], {}).prefix, 'a.b-c_d');
});
