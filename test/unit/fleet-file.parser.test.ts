import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFleetFile } from '../../src/fleet/fleet-file.parser';

const noYaml = () => undefined;

test('JSON by the .json extension; YAML with the optional package', () => {
  const doc = { endpoints: { e: { route: '/e', traffic: { a: 1 } } } };
  assert.equal(parseFleetFile(JSON.stringify(doc), 'f.json', noYaml).endpoints.e.route, '/e');
  assert.equal(parseFleetFile('yaml text', 'f.yml', () => ({ parse: () => doc })).endpoints.e.route, '/e');
});

test('YAML without the package, bad JSON, bad YAML and other extensions say what to do', () => {
  assert.throws(
    () => parseFleetFile('a: 1', 'f.yaml', noYaml),
    /f\.yaml is YAML, .*npm install yaml.*Or write the file as JSON/,
  );
  assert.throws(() => parseFleetFile('{', 'f.json', noYaml), /f\.json is not valid JSON/);
  const broken = () => ({
    parse: () => {
      throw new Error('bad indentation');
    },
  });
  assert.throws(() => parseFleetFile('x', 'f.yaml', broken), /f\.yaml is not valid YAML \(bad indentation\)/);
  assert.throws(() => parseFleetFile('{}', 'f.txt', noYaml), /must end in \.json, \.yaml or \.yml/);
});
