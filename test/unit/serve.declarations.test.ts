import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backend, Endpoint, ServeError } from '../../src';
import { readDeclarations } from '../../src/module/serve.declarations';
import { optionMessages } from '../../src/serve.messages';
import { VersionA, VersionB } from '../fixtures/traffic.backends';

@Backend({ name: 'dup' })
export class FirstDup {}

@Backend({ name: 'dup' })
export class SecondDup {}

test('two classes declaring one backend name are both named, with the advice to rename one', () => {
  assert.throws(
    () => readDeclarations([FirstDup, SecondDup]),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CONFLICT');
      assert.match(
        err.message,
        /^ServeModule\.forRoot\(\): class FirstDup and class SecondDup are both backend 'dup': give one of them another name, @Backend\(\{ name: '…' \}\)/,
      );
      assert.doesNotMatch(err.message, /delete it/);
      return true;
    },
  );
});

test('two classes of one class name are told apart by their files', () => {
  const message = optionMessages.duplicateDeclaredBackend(
    'dup',
    { className: 'Model', modulePath: '/app/a.ts' },
    { className: 'Model', modulePath: '/app/b.ts' },
  );
  assert.match(message, /class Model \(\/app\/a\.ts\) and class Model \(\/app\/b\.ts\) are both backend 'dup'/);
});

test('one route bound twice in one class is a CONFLICT naming the backend, the route and both methods', () => {
  @Backend()
  class C1 {
    @Endpoint({ route: '/c1' })
    x() {
      return 'x';
    }
    @Endpoint({ route: '/c1' })
    y() {
      return 'y';
    }
  }
  assert.throws(
    () => readDeclarations([C1]),
    (err: ServeError) =>
      err.code === 'CONFLICT' &&
      /Endpoint '\/c1' \(route '\/c1'\) is bound twice in backend 'C1', by methods 'x' and 'y'/.test(err.message),
  );

  @Backend()
  @Endpoint({ route: '/both' })
  class OnClassAndMethod {
    call() {}
    @Endpoint({ route: '/both' })
    other() {}
  }
  assert.throws(() => readDeclarations([OnClassAndMethod]), /bound twice in backend 'OnClassAndMethod'/);
});

test('two backends binding one endpoint split its traffic', () => {
  const { endpoints } = readDeclarations([VersionA, VersionB]);
  assert.deepEqual(
    endpoints.map((e) => [e.name, e.route, e.traffic]),
    [['split', '/split', { VersionA: 0.5, VersionB: 0.5 }]],
  );
});

test('declared routes differing only in case are one route when the host ignores case', () => {
  @Backend()
  class Cased {
    @Endpoint({ route: '/Foo' })
    upper() {}
    @Endpoint({ route: '/foo' })
    lower() {}
    @Endpoint({ route: '/Models/:a' })
    models() {}
    @Endpoint({ route: '/models/:b' })
    other() {}
  }
  assert.throws(
    () => readDeclarations([Cased], false),
    /Route '\/foo' of endpoint '\/foo' differs from route '\/Foo' of endpoint '\/Foo' only in case/,
  );
  // Case-sensitive: the routes are fine, so the next check (a backend in the test's own file) speaks.
  assert.throws(
    () => readDeclarations([Cased], true),
    (err: Error) => !/only in case|matches exactly/.test(err.message),
  );
});
