import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as yaml from 'yaml';
import { parseFleetFile } from '../../src/fleet/fleet-file.parser';

const noYaml = () => undefined;
const realYaml = () => yaml;

test('JSON by the .json extension; YAML with the optional package', () => {
  const doc = { endpoints: { e: { route: '/e', traffic: { a: 1 } } } };
  assert.equal(parseFleetFile(JSON.stringify(doc), 'f.json', noYaml).endpoints.e.route, '/e');
  const text = ['endpoints:', '  e:', '    route: /e', '    traffic:', '      a: 0.9', '      b: 0.1', ''].join('\n');
  const endpoint = parseFleetFile(text, 'f.yml', realYaml).endpoints.e;
  assert.deepEqual([endpoint.route, endpoint.traffic], ['/e', { a: 0.9, b: 0.1 }]);
});

test('YAML without the package, bad JSON, bad YAML and other extensions say what to do', () => {
  assert.throws(
    () => parseFleetFile('a: 1', 'f.yaml', noYaml),
    /f\.yaml is YAML, .*npm install yaml.*Or write the file as JSON/,
  );
  assert.throws(() => parseFleetFile('{', 'f.json', noYaml), /f\.json is not valid JSON/);
  assert.throws(() => parseFleetFile('endpoints:\n  e: [1,\n', 'f.yaml', realYaml), /f\.yaml is not valid YAML \(/);
  assert.throws(() => parseFleetFile('{}', 'f.txt', noYaml), /must end in \.json, \.yaml or \.yml/);
});
