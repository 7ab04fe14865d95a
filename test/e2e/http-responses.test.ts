import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveAppForSuite } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { RecordingLogger } from '../helpers/recording-logger';
import { BAD_RESPONSES, ResponsesBackend } from '../fixtures/responses.backend';

/** What the 500 for each bad ServeResponse says is wrong. */
const BAD: Record<string, RegExp> = {
  'status 100': /status 100, .*1xx status is interim/,
  'status 101': /status 101, .*1xx status is interim/,
  'status 102': /status 102, .*1xx status is interim/,
  'status 103': /status 103, .*1xx status is interim/,
  'status 199': /status 199, .*1xx status is interim/,
  'status 99': /status 99: use an integer from 200 to 599/,
  'status 1000': /status 1000: use an integer from 200 to 599/,
  'status abc': /status that is a string: use an integer from 200 to 599/,
  'status 200.5': /status 200\.5: use an integer from 200 to 599/,
  'header name with a space': /header name "bad header", which is not an HTTP token/,
  'header value with CRLF': /header "x-v" whose value holds a control character \(CR, LF, NUL/,
  'header value undefined': /header "x-u" whose value is undefined: .*leave the header out/,
  'headers not an object': /headers that are a string: use an object/,
  'streamed, status 101': /status 101, .*1xx status is interim/,
};

/** A usable X-Request-Id for a case. */
const idOf = (kind = '') => `req-${kind.replace(/\W+/g, '-')}`;

for (const adapter of httpAdapters) {
  describe(`a ServeResponse that HTTP cannot send, on ${adapter.name}`, () => {
    const logs = new RecordingLogger();
    const s = serveAppForSuite(
      { backends: [ResponsesBackend] },
      { adapter: adapter.create(), configure: (app) => app.useLogger(logs) },
    );
    const call = (method: string, kind?: string) =>
      s.http
        .post('/responses')
        .set('x-serve-call-method', method)
        .set('x-request-id', idOf(kind))
        .send({ kind })
        .timeout(4000);

    test('a status outside 200–599 (1xx included) or a bad header answers one 500 naming the backend, the method and the field', async () => {
      for (const kind of Object.keys(BAD_RESPONSES)) {
        const res = await call('bad', kind);
        assert.equal(res.status, 500, `${kind}: ${res.status} ${res.text}`);
        assert.match(res.headers['content-type'], /application\/json/, kind);
        assert.equal(res.body.backend, 'ResponsesBackend', `${kind}: ${res.text}`);
        assert.equal(res.body.requestId, idOf(kind), kind);
        assert.match(
          res.body.message,
          /^Backend 'ResponsesBackend': method 'bad' returned a ServeResponse with /,
          kind,
        );
        assert.match(res.body.message, BAD[kind], kind);
        assert.doesNotMatch(
          res.text,
          /ERR_|set-cookie|\n\s+at /,
          `${kind}: no Node internals nor header value in ${res.text}`,
        );
        assert.ok(
          logs.lines.some((l) => l.startsWith("Backend 'ResponsesBackend'") && l.includes(`(request ${idOf(kind)})`)),
          `${kind}: logged`,
        );
      }
    });

    test('numbers, arrays of strings and tabs in header values, and any status 200–599, are sent', async () => {
      const fine = await call('fine').expect(299);
      assert.equal(fine.headers['x-number'], '7');
      assert.deepEqual(fine.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal(fine.headers['x-t'], 'a\tb');
      assert.deepEqual(fine.body, { ok: true });
    });
  });
}
