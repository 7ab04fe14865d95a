import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderApplyPlan } from '../../src/cli/apply-plan.render';
import { planApply } from '../../src/fleet/apply.plan';
import { validateFleetFile } from '../../src/fleet/fleet-file.validator';
import { twoBackends } from '../helpers/fleet.fixtures';

const plan = (doc: unknown, prune = false) =>
  planApply({ revision: 3, state: twoBackends() }, validateFleetFile(doc, 'f.json'), prune, 'f.json');

test('the dry-run output: one line per change with what it does to replicas', () => {
  const text = renderApplyPlan(
    plan(
      {
        backends: { a: { config: { userConfig: { x: 1 }, numReplicas: 2 } } },
        endpoints: { e: { route: '/e', traffic: { a: 0.9, b: 0.1 }, shadows: { b: 0.5 } } },
      },
      false,
    ),
    'f.json',
    true,
  );
  assert.equal(
    text,
    [
      'Plan f.json against revision 3 (dry run: nothing written):',
      `  ~ backend 'a': numReplicas 1 → 2, userConfig none → {"x":1}  [reconfigures replicas (reconfigure(userConfig), no restart); starts or stops replicas]`,
      `  ~ endpoint 'e' /e: traffic {"a":1,"b":0} → {"a":0.9,"b":0.1}, shadows {} → {"b":0.5}  [routing only]`,
    ].join('\n'),
  );
});

test('deletions, additions and no changes', () => {
  const pruned = renderApplyPlan(
    plan({ backends: { a: {} }, endpoints: { f: { route: '/f', traffic: { a: 1 } } } }, true),
    'f.json',
    false,
  );
  assert.match(pruned, /^Applying f\.json against revision 3:/);
  assert.match(pruned, /- endpoint 'e' \(\/e\) {2}\[routing only\]/);
  assert.match(pruned, /\+ endpoint 'f' \/f GET traffic \{"a":1\} {2}\[routing only\]/);
  assert.match(pruned, /- backend 'b' {2}\[stops replicas\]/);
  assert.equal(
    renderApplyPlan(plan({}), 'f.json', true),
    "No changes: the fleet's desired state (revision 3) already matches f.json.",
  );
});

test('a long value is shortened in the plan, saying how long it is', () => {
  const text = renderApplyPlan(plan({ backends: { a: { config: { userConfig: 'x'.repeat(5000) } } } }), 'f.json', true);
  assert.match(text, /userConfig none → "x{40,}… \(5002 characters\)/);
  assert.ok(text.length < 500, `${text.length} characters`);
});
