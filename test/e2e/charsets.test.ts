import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { before, describe, test } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { serveAppForSuite } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { rawRequest, type RawAnswer } from '../helpers/raw-http';
import { CharsetsBackend } from '../fixtures/charsets.backend';

const post = (server: Server, type: string, body: Buffer) =>
  rawRequest(server, 'POST', '/body', { 'content-type': type, 'content-length': String(body.length) }, body);
const seen = (answer: RawAnswer) => (JSON.parse(answer.body) as { body: unknown }).body;
const latin1 = (s: string) => Buffer.from(s, 'latin1');

function assert415(answer: RawAnswer, charset: RegExp): void {
  assert.equal(answer.status, 415, answer.body);
  assert.match(answer.body, charset, 'the answer names the charset');
}

for (const adapter of httpAdapters) {
  describe(`charsets on ${adapter.name}, bodies nestjs-serve reads itself`, () => {
    const s = serveAppForSuite({ backends: [CharsetsBackend] }, { adapter: adapter.create() });
    let server: Server;
    before(async () => {
      await s.app.listen(0, '127.0.0.1');
      server = s.app.getHttpServer() as Server;
    });

    test('an unknown charset is a 415 naming it, for JSON and text', async () => {
      assert415(await post(server, 'application/vnd.api+json; charset=x-bogus', Buffer.from('{"a":1}')), /x-bogus/);
      assert415(await post(server, 'text/plain; charset=x-bogus', Buffer.from('hello')), /x-bogus/);
      assert415(await post(server, 'text/plain; charset="X-Bogus"', Buffer.from('hello')), /X-Bogus/);
      // A WHATWG label that maps to the "replacement" encoding cannot be decoded either.
      assert415(await post(server, 'text/plain; charset=iso-2022-kr', Buffer.from('hello')), /iso-2022-kr/);
    });

    test('text is decoded as its charset says', async () => {
      assert.equal(seen(await post(server, 'text/plain; charset=iso-8859-1', latin1('caf\xe9'))), 'café');
      assert.equal(seen(await post(server, 'text/plain; charset="ISO-8859-1"', latin1('caf\xe9'))), 'café');
      assert.equal(seen(await post(server, 'text/csv; charset=windows-1252', Buffer.from([0x80, 0x31]))), '€1');
      assert.equal(seen(await post(server, 'text/plain; charset=utf-16le', Buffer.from('hé', 'utf16le'))), 'hé');
      const nihon = Buffer.from([0x93, 0xfa, 0x96, 0x7b]);
      assert.equal(seen(await post(server, 'text/plain; charset=shift_jis', nihon)), '日本');
      assert.equal(seen(await post(server, 'text/plain', Buffer.from('café'))), 'café', 'UTF-8 by default');
    });

    test('JSON the host leaves alone is decoded as its charset says, then parsed', async () => {
      const utf16 = Buffer.from('{"a":"hé"}', 'utf16le');
      assert.deepEqual(seen(await post(server, 'application/vnd.api+json; charset=utf-16le', utf16)), { a: 'hé' });
      const latin = latin1('{"a":"caf\xe9"}');
      assert.deepEqual(seen(await post(server, 'application/vnd.api+json; charset=iso-8859-1', latin)), { a: 'café' });
    });

    test('bytes invalid in the declared charset become U+FFFD, as TextDecoder does', async () => {
      assert.equal(seen(await post(server, 'text/plain; charset=utf-8', Buffer.from([0x63, 0xff, 0x64]))), 'c\ufffdd');
    });

    test("the host's JSON parser also answers 415 naming an unknown charset", async () => {
      // Express's body-parser names it upper-cased; on Fastify (whose parser ignores charsets) nestjs-serve answers.
      assert415(await post(server, 'application/json; charset=x-bogus', Buffer.from('{"a":1}')), /x-bogus/i);
    });
  });

  describe(`charsets on ${adapter.name}, text parsed by the host's own body parser`, () => {
    const s = serveAppForSuite(
      { backends: [CharsetsBackend] },
      {
        adapter: adapter.create(),
        configure: (app) => void (app as NestExpressApplication).useBodyParser(adapter.textBodyParser as 'text'),
      },
    );
    let server: Server;
    before(async () => {
      await s.app.listen(0, '127.0.0.1');
      server = s.app.getHttpServer() as Server;
    });

    test('the host agrees: an unknown charset is a 415 naming it, a known one is decoded', async () => {
      // Express's text parser answers itself; Fastify's (through Nest) leaves bytes, which nestjs-serve decodes.
      assert415(await post(server, 'text/plain; charset=x-bogus', Buffer.from('hello')), /x-bogus/i);
      assert.equal(seen(await post(server, 'text/plain; charset=iso-8859-1', latin1('caf\xe9'))), 'café');
    });
  });
}
