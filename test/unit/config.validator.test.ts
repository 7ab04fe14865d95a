import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { DEFAULT_BACKEND_CONFIG } from '../../src/serve.constants';
import { Backend } from '../../src/decorators/backend.decorator';
import { shout } from '../fixtures/function.backends';
import { hiddenBackend } from '../fixtures/function-unexported.backend';
import {
  assertPlainJson,
  validateBackendConfig,
  validateConfigUpdate,
  validateEndpointOptions,
  validateFunctionBackendOptions,
  validateModuleOptions,
  validateName,
} from '../../src/options/config.validator';

test('valid configs pass', () => {
  validateBackendConfig('b', {
    numReplicas: 2,
    maxConcurrentQueries: 8,
    maxBatchSize: 4,
    batchWaitTimeoutMs: 0,
    maxQueuedRequests: 0,
    requestTimeoutMs: 10,
    userConfig: { a: [1, 'x', null, true] },
  });
  validateBackendConfig('b', { name: 'x', replica: 'process', env: { A: '1' }, initArgs: [1, { b: 2 }] }, true);
  validateEndpointOptions('e', { route: '/a/b', methods: ['GET', 'POST'], name: 'n', weight: 0 });
});

test('each bad value is named with what was expected', () => {
  const cases: [unknown, RegExp][] = [
    [{ numReplicas: 0 }, /'numReplicas' is 0; expected an integer >= 1/],
    [{ maxConcurrentQueries: 'many' }, /'maxConcurrentQueries' is 'many'/],
    [{ requestTimeoutMs: 0 }, /'requestTimeoutMs' is 0; expected a finite number > 0/],
    [{ batchWaitTimeoutMs: -1 }, /batchWaitTimeoutMs/],
    [{ maxQueuedRequests: Infinity }, /maxQueuedRequests/],
    [{ requestTimeoutMs: 1e10 }, /'requestTimeoutMs' is 10000000000; expected a duration of at most 2147483647 ms/],
    [{ replica: 'thread' }, /unknown option 'replica'/],
    [null, /'config' is null/],
  ];
  for (const [config, message] of cases) assert.throws(() => validateBackendConfig('Backend X', config), message);
  assert.throws(() => validateBackendConfig('B', { env: { A: 1 } }, true), /'env'/);
  assert.throws(() => validateBackendConfig('B', { initArgs: [() => 1] }, true), /'initArgs'/);
  assert.throws(() => validateEndpointOptions('E', { route: '/a b' }), /'route'/);
  assert.throws(() => validateEndpointOptions('E', { route: '/a', methods: [] }), /'methods'/);
});

test('a value JSON cannot hold is shown as written, not as null', () => {
  assert.throws(
    () => validateEndpointOptions('@Endpoint() on A', { route: '/a', weight: NaN }),
    /option 'weight' is NaN;/,
  );
  assert.throws(() => validateBackendConfig('B', { numReplicas: Infinity }), /'numReplicas' is Infinity;/);
  assert.throws(() => validateBackendConfig('B', { requestTimeoutMs: -Infinity }), /'requestTimeoutMs' is -Infinity;/);
  assert.throws(() => validateBackendConfig('B', { numReplicas: 2n }), /'numReplicas' is 2n;/);
  assert.throws(() => validateBackendConfig('B', { name: Symbol('n') }, true), /'name' is Symbol\(n\);/);
  class Foo {
    hidden(): string {
      return 'source text';
    }
  }
  assert.throws(
    () => validateBackendConfig('B', { numReplicas: Foo }),
    (err: Error) => /'numReplicas' is class Foo;/.test(err.message) && !err.message.includes('source text'),
  );
  assert.throws(() => validateModuleOptions({ bodyLimit: NaN }), /'bodyLimit' is NaN;/);
});

test('userConfig must be plain JSON', () => {
  assertPlainJson('b', { a: { b: [1, 2, { c: 'd' }] } });
  assert.throws(() => assertPlainJson('b', { f() {} }), /userConfig\.f is a function/);
  assert.throws(() => assertPlainJson('b', { d: new Date() }), /userConfig\.d is a Date/);
  assert.throws(() => assertPlainJson('b', { n: NaN }), /NaN/);
  assert.throws(() => assertPlainJson('b', { u: undefined }), /undefined/);
  assert.throws(() => assertPlainJson('b', { big: 1n }), /bigint/);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.throws(() => assertPlainJson('b', cyclic), /cycle/);
  assert.throws(() => assertPlainJson('b', JSON.parse('{"a":{"__proto__":{"polluted":true}}}')), /__proto__/);
});

test('userConfig made in another realm (a vm context, as under Jest) is plain JSON', () => {
  const foreign = runInNewContext('({ threshold: 0.1, tags: ["a"], nested: { n: null, o: Object.create(null) } })');
  assert.notEqual(Object.getPrototypeOf(foreign), Object.prototype);
  assertPlainJson('b', foreign);
  validateBackendConfig('b', runInNewContext('({ numReplicas: 2, userConfig: { a: 1 } })'));
  validateBackendConfig('b', { env: runInNewContext('({ A: "1" })') }, true);
  assert.throws(() => assertPlainJson('b', runInNewContext('new Map()')), /userConfig is a Map/);
});

test('unknown options suggest the closest known one, for @Endpoint, @Backend and forRoot alike', () => {
  assert.throws(
    () => validateEndpointOptions('@Endpoint() on A.score', { route: '/a', method: ['POST'] } as never),
    /@Endpoint\(\) on A.score: unknown option 'method' \(did you mean 'methods'\?\); known options: route, methods, name, weight/,
  );
  assert.throws(
    () => validateBackendConfig('b', { numReplica: 2 }),
    /unknown option 'numReplica' \(did you mean 'numReplicas'\?\)/,
  );
  assert.throws(
    () => validateModuleOptions({ bodyLimt: 5 } as never),
    /unknown option 'bodyLimt' \(did you mean 'bodyLimit'\?\)/,
  );
  assert.throws(
    () => validateBackendConfig('b', { zzz: 1 }),
    (err: Error) => !/did you mean/.test(err.message),
  );
});

test('cpusPerReplica: a whole number of cores >= 1, in @Backend, createBackend and defineBackend options', () => {
  validateBackendConfig('b', { cpusPerReplica: 1 });
  validateBackendConfig('b', { cpusPerReplica: 16, replica: 'process' }, true);
  validateFunctionBackendOptions('defineBackend() at f.ts:1:1', { cpusPerReplica: 2 });
  const expected =
    /option 'cpusPerReplica' is .*; expected a whole number of cores >= 1 \(it becomes the replicas' OMP_NUM_THREADS/;
  for (const bad of [0, -1, 1.5, 0.5, '2', NaN, Infinity, null]) {
    assert.throws(() => validateBackendConfig("Backend 'embed'", { cpusPerReplica: bad }, true), expected, String(bad));
  }
  assert.throws(
    () => validateFunctionBackendOptions('defineBackend() at f.ts:1:1', { cpusPerReplica: 0.25 }),
    /defineBackend\(\) at f.ts:1:1: option 'cpusPerReplica' is 0.25/,
  );
  assert.throws(
    () => validateFunctionBackendOptions('defineBackend() at f.ts:1:1', { cpuPerReplica: 2 }),
    /unknown option 'cpuPerReplica' \(did you mean 'cpusPerReplica'\?\)/,
  );
});

test('validateConfigUpdate: cpusPerReplica cannot change on a running backend; the same value passes', () => {
  const current = { ...DEFAULT_BACKEND_CONFIG, cpusPerReplica: 2 };
  validateConfigUpdate('embed', { cpusPerReplica: 2, numReplicas: 3 }, current);
  validateConfigUpdate('embed', { numReplicas: 3 }, current);
  assert.throws(
    () => validateConfigUpdate('embed', { cpusPerReplica: 4 }, current),
    /updateBackendConfig\('embed'\): cpusPerReplica is 2 and cannot change .* Create a new backend with cpusPerReplica 4/,
  );
  assert.throws(() => validateConfigUpdate('embed', { cpusPerReplica: 0 }, current), /option 'cpusPerReplica' is 0/);
});

test("a backend or endpoint named '__proto__' is refused with the reason (it cannot key a traffic split); 'constructor' is a name like any", () => {
  const expected = /'name' is '__proto__'; expected a non-empty string other than '__proto__'/;
  assert.throws(() => validateName("createBackend('__proto__')", '__proto__'), expected);
  assert.throws(() => validateBackendConfig('@Backend() on P', { name: '__proto__' }, true), expected);
  assert.throws(() => validateEndpointOptions('@Endpoint() on P.run', { route: '/p', name: '__proto__' }), expected);
  assert.throws(() => validateName('createEndpoint', ' '), /'name' is ' '; expected a non-empty string/);
  validateName("createBackend('constructor')", 'constructor');
  validateBackendConfig('@Backend() on C', { name: 'constructor' }, true);
});

test('backends given as one class, not an array, names the class and says to write backends: [X], never its source', () => {
  const message = (backends: unknown): string => {
    try {
      validateModuleOptions({ backends } as never);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };
  const fromDefine = message(shout);
  assert.match(
    fromDefine,
    /option 'backends' must be an array of backend classes; got class shout: write backends: \[shout\]\./,
  );
  assert.doesNotMatch(fromDefine, /handler\(request\)/);
  assert.match(
    message(hiddenBackend()),
    /got an anonymous class \(defineBackend\(\) at .*function-unexported\.backend\.ts:3:\d+\): write backends: \[TheBackend\]/,
  );
  @Backend()
  class Scorer {}
  assert.match(message(Scorer), /got class Scorer: write backends: \[Scorer\]/);
  assert.match(
    message('Scorer'),
    /option 'backends' is 'Scorer'; expected an array of @Backend\(\) classes, e.g. backends: \[MyBackend\]/,
  );
});

test("a bad dashboard.path is shown an example of its own, not the metrics' path", () => {
  assert.throws(
    () => validateModuleOptions({ dashboard: { path: 'serve' } }),
    /dashboard: option 'path' is 'serve'; expected a path starting with '\/', e.g. '\/serve'\./,
  );
  assert.throws(() => validateModuleOptions({ metrics: { path: 'm' } }), /e\.g\. '\/metrics'/);
});

test('a userConfig value that is not JSON is named in plain words', () => {
  const why = (value: unknown): string => {
    try {
      assertPlainJson('b', value);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };
  assert.equal(why({ a: undefined }), 'b: userConfig must be plain JSON (userConfig.a is undefined).');
  assert.match(why({ f() {} }), /\(userConfig\.f is a function f\)/);
  assert.match(why({ c: class Model {} }), /\(userConfig\.c is a class Model\)/);
  assert.match(why({ g: [() => 1] }), /\(userConfig\.g\.0 is an anonymous function\)/);
  assert.match(why({ big: 1n }), /\(userConfig\.big is a bigint \(1n\)\)/);
  assert.match(why({ s: Symbol('k') }), /\(userConfig\.s is a symbol \(Symbol\(k\)\)\)/);
  assert.match(why({ m: new Map() }), /\(userConfig\.m is a Map\)/);
  assert.match(why({ e: new Error('x') }), /\(userConfig\.e is an Error\)/);
  assert.match(why({ d: new Date(0) }), /\(userConfig\.d is a Date\)/);
});
