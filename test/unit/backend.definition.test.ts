import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildBackendDefinition, methodForEndpoint } from '../../src/backend/backend.definition';
import { codeVersionOf } from '../../src/replicas/code.version';
import { EchoBackend } from '../fixtures/echo.backend';

test('a definition holds what replicas need to load the class, and the method bound to each endpoint', () => {
  const d = buildBackendDefinition(EchoBackend, undefined, {});
  assert.equal(d.className, 'EchoBackend');
  assert.match(d.modulePath, /echo\.backend\.ts$/);
  assert.equal(d.kind, 'thread');
  assert.equal(d.placement, 'local');
  assert.ok(d.bindings.length > 0);
  for (const binding of d.bindings)
    assert.equal(methodForEndpoint(d, binding.options.name ?? binding.options.route), binding.handler);
});

test('a class that is not a backend is refused, naming it', () => {
  class Plain {}
  assert.throws(() => buildBackendDefinition(Plain, undefined, {}), /Plain/);
});

test("a definition pins the code version of the class's module file when the backend is created", () => {
  const d = buildBackendDefinition(EchoBackend, 'echo', {});
  assert.equal(d.codeVersion, codeVersionOf(readFileSync(d.modulePath)));
});

test('a module file that cannot be read is refused when the backend is created, naming the backend and the file', () => {
  assert.throws(
    () => buildBackendDefinition(EchoBackend, 'gone', { modulePath: '/nowhere/gone.backend.js' }),
    /Backend 'gone': cannot read its module \/nowhere\/gone\.backend\.js to pin its code version/,
  );
});
