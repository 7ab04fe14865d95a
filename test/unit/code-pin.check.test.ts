import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { codePinMismatch } from '../../src/cluster/code-pin.check';
import { codeVersionOf, shortCodeVersion } from '../../src/replicas/code.version';

const dir = mkdtempSync(join(tmpdir(), 'code-pin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const source = "exports.A = class A { call() { return 'A'; } };";
const file = join(dir, 'a.backend.js');
writeFileSync(file, source);

test('the same code as pinned: no mismatch', () => {
  assert.equal(codePinMismatch('host-1', file, 'echo', codeVersionOf(source)), undefined);
});

test('other code than pinned: names the replica host, backend, file and both short versions', () => {
  const pinned = codeVersionOf("exports.A = class A { call() { return 'B'; } };");
  const why = codePinMismatch('host-1', file, 'echo', pinned);
  assert.ok(
    why?.startsWith(
      `Replica host host-1 has code version ${shortCodeVersion(codeVersionOf(source))} of ${file} for backend 'echo', but the app pinned 'echo' to ${shortCodeVersion(pinned)}`,
    ),
    why,
  );
});

test('a module it cannot read is a mismatch that says why', () => {
  const missing = join(dir, 'missing.js');
  const why = codePinMismatch('host-1', missing, 'echo', codeVersionOf(source));
  assert.match(why ?? '', /has code version unreadable \(ENOENT/);
  assert.ok(why?.includes(missing), why);
});
