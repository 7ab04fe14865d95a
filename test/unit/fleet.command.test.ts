import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT, FleetCommand } from '../../src/cli/fleet.command';
import { validateFleetFile } from '../../src/fleet/fleet-file.validator';
import { ServeError } from '../../src/serve.errors';
import { FakeFleetStore } from '../helpers/fake.fleet-store';
import { runningRollout, twoBackends } from '../helpers/fleet.fixtures';

const file = validateFleetFile({ endpoints: { e: { route: '/e', traffic: { b: 1 } } } }, 'f.json');
const options = { prune: false, dryRun: false, timeoutMs: 1000 };

function command(store: FakeFleetStore) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, cmd: new FleetCommand(store, 'p-fleet', { out: (t) => out.push(t), err: (t) => err.push(t) }) };
}

test('a compare-and-set conflict writes nothing, says what to do and exits 3', async () => {
  const store = new FakeFleetStore();
  store.put(twoBackends());
  store.interpose = () => store.put(twoBackends());
  const { cmd, err } = command(store);
  assert.equal(await cmd.apply(file, 'f.json', options), EXIT.conflict);
  assert.match(err[0], /planned against revision 1, the store is now at 2.*Nothing was written.*--dry-run/);
  assert.equal(store.writes, 2);
});

test('apply writes on the revision it planned against, then waits for the live instances', async () => {
  const store = new FakeFleetStore();
  store.put(twoBackends());
  await store.beat({ id: 'i1', name: 'one', revision: 1, startedAt: 0 });
  setTimeout(() => void store.beat({ id: 'i1', name: 'one', revision: 2, startedAt: 0 }), 150);
  const { cmd, out } = command(store);
  assert.equal(await cmd.apply(file, 'f.json', options), EXIT.ok);
  assert.deepEqual(store.current!.state.endpoints.e.traffic, { b: 1 });
  assert.match(out.at(-1)!, /Written at revision 2; applied by every live instance \(1\)/);
  const dry = command(store);
  assert.equal(await dry.cmd.apply(file, 'f.json', { ...options, dryRun: true }), EXIT.ok);
  assert.equal(store.writes, 2);
});

test("a state the store refuses as too large: the plan's long values shortened, one line, exit 2", async () => {
  const store = new FakeFleetStore();
  store.put(twoBackends());
  store.update = () => Promise.reject(new ServeError('PAYLOAD_TOO_LARGE', 'state over max_payload'));
  const { cmd, out, err } = command(store);
  const big = validateFleetFile({ backends: { a: { config: { userConfig: 'x'.repeat(100_000) } } } }, 'big.json');
  assert.equal(await cmd.apply(big, 'big.json', options), EXIT.invalid);
  assert.ok(out.join('\n').length < 1000, `the plan is ${out.join('\n').length} characters`);
  assert.deepEqual(err, ['big.json: state over max_payload']);
});

test('a file that changes an endpoint being rolled out: refused before any write, exit 3', async () => {
  const store = new FakeFleetStore();
  const state = twoBackends();
  state.rollouts = {
    e: runningRollout('b', { a: 1 }),
  };
  store.put(state);
  const { cmd, err } = command(store);
  assert.equal(await cmd.apply(file, 'f.json', options), EXIT.conflict);
  assert.match(err[0], /f\.json: endpoints\.e would change endpoint 'e' while it is being rolled out to backend 'b'/);
  assert.equal(store.writes, 1);
});
