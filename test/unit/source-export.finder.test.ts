import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findCall, findSourceExport } from '../../src/decorators/source-export.finder';

/** The 1-based line and column of the first `marker` in `source`. */
function at(source: string, marker: string): [number, number] {
  const before = source.slice(0, source.indexOf(marker)).split('\n');
  return [before.length, before[before.length - 1].length + 1];
}

const DOCS = [
  '// hello.backend.ts',
  "import { defineBackend, type ServeRequest } from 'nestjs-serve';",
  '',
  'export const hello = defineBackend((req: ServeRequest) => `hello ${req.query.name}`, {',
  '  numReplicas: 2,',
  "  endpoint: { route: '/hello' },",
  '});',
  '',
  'export const embed = defineBackend<string[]>(async (requests) => requests.map(String), { batch: true });',
].join('\n');

describe('findSourceExport', () => {
  test("the docs' form: the export whose declaration holds the call, column at the callee or its '('", () => {
    assert.deepEqual(findSourceExport(DOCS, ...at(DOCS, 'defineBackend((req')), { exported: 'hello' });
    const [line, column] = at(DOCS, '((req');
    assert.deepEqual(findSourceExport(DOCS, line, column + 1), { exported: 'hello' });
    assert.deepEqual(findSourceExport(DOCS, ...at(DOCS, 'defineBackend<')), { exported: 'embed' });
  });

  test('a column a loader moved: the one call on the line', () => {
    const [line] = at(DOCS, 'defineBackend((req');
    assert.deepEqual(findSourceExport(DOCS, line, 200), { exported: 'hello' });
  });

  test('a position inside the arguments of a call broken over lines (a source map may give one)', () => {
    const source = [
      'export const hello = defineBackend(',
      '  (req: ServeRequest) => ({ hello: req.query.name ?? "world", pid: process.pid }),',
      '  { numReplicas: 2, endpoint: { route: "/fn/hello" } },',
      ');',
      'register(other(1), 2);',
    ].join('\n');
    assert.deepEqual(findSourceExport(source, 2, 35), { exported: 'hello' });
    assert.deepEqual(findSourceExport(source, 3, 5), { exported: 'hello' });
    assert.equal(findSourceExport(source, 5, 3), undefined);
  });

  test('the call on its own line, comments, a type annotation, a namespace import, export default', () => {
    const source = [
      'export const wrapped: FunctionBackend<string> =',
      '  // the greeter',
      '  /* block */ serve.defineBackend(() => "hi");',
      'export default defineBackend(() => 1);',
    ].join('\n');
    assert.deepEqual(findSourceExport(source, ...at(source, 'serve.')), { exported: 'wrapped' });
    assert.deepEqual(findSourceExport(source, ...at(source, 'defineBackend(() => 1')), { exported: 'default' });
  });

  test('a local exported elsewhere: export { a }, export { a as b }, export default a', () => {
    const source = (tail: string) => `const local = defineBackend(() => 1);\n${tail}\n`;
    assert.deepEqual(findSourceExport(source('export { other, local };'), 1, 15), { exported: 'local' });
    assert.deepEqual(findSourceExport(source('export { local as served };'), 1, 15), { exported: 'served' });
    assert.deepEqual(findSourceExport(source('export default local;'), 1, 15), { exported: 'default' });
    assert.deepEqual(findSourceExport(source("export { local } from './elsewhere';"), 1, 15), {
      unexported: 'local',
    });
  });

  test('a local no export names: unexported', () => {
    const source = "const hidden = defineBackend(() => 'never');\nexport function get() { return hidden; }\n";
    assert.deepEqual(findSourceExport(source, 1, 16), { unexported: 'hidden' });
  });

  test('undefined: no call there, two calls and a column on neither, or another way of writing it', () => {
    assert.equal(findSourceExport(DOCS, 1, 1), undefined);
    assert.equal(findSourceExport(DOCS, 99, 1), undefined);
    const two = 'export const a = defineBackend(f), b = defineBackend(g);';
    assert.equal(findSourceExport(two, 1, 1), undefined);
    assert.deepEqual(findSourceExport(two, 1, 18), { exported: 'a' });
    assert.equal(findSourceExport('backends.push(defineBackend(f));', 1, 15), undefined);
    assert.equal(findSourceExport("const url = 'http://x'; register(defineBackend(f));", 1, 34), undefined);
  });
});

describe('findCall', () => {
  test("the start of the call's callee, from its '(' or a position inside its arguments", () => {
    const [line, column] = at(DOCS, 'defineBackend((req');
    assert.deepEqual(findCall(DOCS, line, column + 'defineBackend'.length), { line, column });
    assert.deepEqual(findCall(DOCS, line + 1, 5), { line, column });
    assert.equal(findCall(DOCS, 2, 1), undefined);
  });
});
