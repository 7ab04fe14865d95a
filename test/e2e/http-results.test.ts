import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Test } from 'supertest';
import { serveAppForSuite } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { RecordingLogger } from '../helpers/recording-logger';
import { ResultsBackend } from '../fixtures/results.backend';

/** What the 500 for each odd result that JSON would send as `{}` says. */
const REFUSED: Record<string, RegExp> = {
  Error: /an Error at result, which JSON sends as \{\}.*throw it/,
  'Error nested': /an Error at result\.error, which JSON sends as \{\}/,
  'ArrayBuffer nested': /an ArrayBuffer at result\.data, which JSON sends as \{\}.*new Uint8Array\(buffer\)/,
  'DataView nested': /a DataView at result\.view, which JSON sends as \{\}/,
  'RegExp nested': /a RegExp at result\.pattern, which JSON sends as \{\}/,
};

/** `req` with its body read as bytes (a Buffer). */
const binary = (req: Test) =>
  req.buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });

/** A usable X-Request-Id for a case. */
const idOf = (kind = '') => `req-${kind.replace(/\W+/g, '-')}`;

for (const adapter of httpAdapters) {
  describe(`results that are not JSON, text nor a Uint8Array, on ${adapter.name}`, () => {
    const logs = new RecordingLogger();
    const s = serveAppForSuite(
      { backends: [ResultsBackend] },
      { adapter: adapter.create(), configure: (app) => app.useLogger(logs) },
    );
    const call = (method: string, kind?: string) =>
      s.http.post('/results').set('x-serve-call-method', method).set('x-request-id', idOf(kind)).send({ kind });

    test('an Error, or an ArrayBuffer, DataView or RegExp inside JSON, answers a 500 naming the backend, the method and where', async () => {
      for (const [kind, what] of Object.entries(REFUSED)) {
        const res = await call('odd', kind);
        assert.equal(res.status, 500, `${kind}: ${res.status} ${res.text}`);
        assert.equal(res.body.backend, 'ResultsBackend', `${kind}: ${res.text}`);
        assert.equal(res.body.requestId, idOf(kind), kind);
        assert.match(res.body.message, /^Backend 'ResultsBackend': method 'odd' returned /, kind);
        assert.match(res.body.message, what, kind);
        assert.ok(
          logs.lines.some((l) => l.startsWith("Backend 'ResultsBackend'") && l.includes(`(request ${idOf(kind)})`)),
          `${kind}: logged`,
        );
      }
    });

    test('an ArrayBuffer, any typed array or a DataView, returned, as a ServeResponse body or streamed, is sent as its bytes', async () => {
      const bytes = async (kind: string, status = 200) => {
        const res = await binary(call('odd', kind)).expect(status);
        assert.equal(res.headers['content-type'], 'application/octet-stream', kind);
        return [...(res.body as Buffer)];
      };
      assert.deepEqual(await bytes('ArrayBuffer'), [1, 2, 3, 4]);
      assert.deepEqual(await bytes('Uint16Array'), [...Buffer.from(new Uint16Array([1, 2]).buffer)]);
      assert.deepEqual(await bytes('DataView'), [6, 7]);
      const float = [...Buffer.from(new Float32Array([1]).buffer)];
      assert.deepEqual(await bytes('ServeResponse with a Float32Array', 201), float);
      const streamed = await binary(call('byteChunks')).expect(200);
      assert.equal(streamed.headers['content-type'], 'application/octet-stream');
      assert.equal((streamed.body as Buffer).toString('latin1'), 'ABC');
    });

    test('undefined answers 200 with an empty body', async () => {
      const res = await call('odd', 'undefined').expect(200);
      assert.equal(res.text, '');
      assert.equal(res.headers['content-type'], undefined);
      assert.equal(res.headers['content-length'] ?? '0', '0');
    });
  });
}
