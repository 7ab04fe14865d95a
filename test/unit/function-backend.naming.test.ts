import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { BackendMetadata } from '../../src/decorators/backend.decorator';
import { callSite, exportKeyOf, nameFunctionBackend } from '../../src/decorators/function-backend.naming';
import { getBackendMetadata } from '../../src/decorators/backend.metadata';
import * as fixtures from '../fixtures/function.backends';

describe('exportKeyOf', () => {
  const value = class {};
  test('finds the export holding the value, a named one before default', () => {
    assert.equal(exportKeyOf({ a: 1, hello: value }, value), 'hello');
    assert.equal(exportKeyOf({ default: value, hello: value }, value), 'hello');
    assert.equal(exportKeyOf({ default: value }, value), 'default');
  });
  test('undefined when no export holds it, or the exports are not an object', () => {
    assert.equal(exportKeyOf({ a: class {} }, value), undefined);
    assert.equal(exportKeyOf(undefined, value), undefined);
    assert.equal(exportKeyOf('text', value), undefined);
  });
});

describe('nameFunctionBackend', () => {
  test('names the classes of one module after their exports, anonymous handlers included', () => {
    for (const key of ['hello', 'batched', 'inProcess', 'remoteFn'] as const) {
      const metadata = getBackendMetadata(fixtures[key])!;
      assert.equal(fixtures[key].name, key);
      assert.equal(metadata.exportName, key);
    }
    assert.equal(getBackendMetadata(fixtures.shout)!.name, 'shouter');
  });

  test('an explicit exportName is kept; the class keeps its own name', () => {
    const cls = class Named {};
    const metadata = { definedIn: __filename, exportName: 'other' };
    nameFunctionBackend(cls, metadata, { where: 'defineBackend() at x', named: false, options: {} });
    assert.equal(cls.name, 'Named');
    assert.equal(metadata.exportName, 'other');
  });

  test('a module that does not export the class is refused, naming where it was defined', () => {
    const cls = class {};
    assert.throws(
      () =>
        nameFunctionBackend(
          cls,
          { definedIn: __filename },
          { where: 'defineBackend() at here:1:2', named: false, options: {} },
        ),
      /defineBackend\(\) at here:1:2 is not exported from .*function-backend\.naming\.test\.ts/,
    );
  });

  test('exports this process cannot read (an ES module): named after the export its source shows at the call', () => {
    const file = join(__dirname, '../fixtures/esm-host/function.backend.mjs');
    const cls = class {};
    const metadata: BackendMetadata = { definedIn: file };
    const site = { file, line: 4, column: 25 };
    nameFunctionBackend(cls, metadata, { where: 'defineBackend() at x', site, named: false, options: {} });
    assert.equal(cls.name, 'esmHello');
    assert.equal(metadata.exportName, 'esmHello');
  });

  test('exports this process cannot read, and the source shows a local no export names: refused, saying to export it', () => {
    const file = join(__dirname, '../fixtures/function-unexported.backend.ts');
    const record = {
      where: 'defineBackend() at z:3:16',
      site: { file, line: 3, column: 16 },
      named: false,
      options: {},
    };
    assert.throws(
      () => nameFunctionBackend((() => class {})(), { definedIn: file }, record),
      /defineBackend\(\) at z:3:16 is not exported from .*function-unexported\.backend\.ts: export it/,
    );
  });

  test('no export found at all: an anonymous one is refused, asking for a name; a named one keeps it', () => {
    const file = '/nowhere/not-loaded.ts';
    const anonymous = (() => class {})();
    assert.throws(
      () =>
        nameFunctionBackend(
          anonymous,
          { definedIn: file },
          { where: 'defineBackend() at y', site: { file, line: 3, column: 1 }, named: false, options: {} },
        ),
      /defineBackend\(\) at y: cannot tell which export of \/nowhere\/not-loaded\.ts holds this backend.*give it a name/,
    );
    const named = class Kept {};
    nameFunctionBackend(named, { definedIn: file }, { where: 'defineBackend() at y', named: false, options: {} });
    assert.equal(named.name, 'Kept');
  });
});

describe('callSite', () => {
  test("moves a site a source map put at the call's '(' or in its arguments to its callee; keeps any other", () => {
    const file = join(__dirname, '../fixtures/function.backends.ts');
    assert.deepEqual(callSite({ file, line: 5, column: 35 }), { file, line: 5, column: 22 });
    assert.deepEqual(callSite({ file, line: 6, column: 30 }), { file, line: 5, column: 22 });
    assert.deepEqual(callSite({ file, line: 1, column: 1 }), { file, line: 1, column: 1 });
    assert.deepEqual(callSite({ file: '/nowhere.ts', line: 2, column: 3 }), {
      file: '/nowhere.ts',
      line: 2,
      column: 3,
    });
  });
});
