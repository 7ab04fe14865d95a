import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { buildBackendDefinition, methodForEndpoint } from '../../src/backend/backend.definition';
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
