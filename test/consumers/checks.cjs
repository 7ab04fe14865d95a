'use strict';
// The checks every consumer app runs over real HTTP: the rows of SPEC.md's "What callers see" that
// a consumer can reach, and a live userConfig update. `baseUrl` is the app's own URL.
const assert = require('node:assert/strict');

async function call(baseUrl, path, init) {
  const res = await fetch(baseUrl + path, init);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

const json = (method, value) => ({ method, headers: { 'content-type': 'application/json' }, body: value });

/** Runs every check; throws an AssertionError naming the first that fails. Returns the names passed. */
async function runChecks(baseUrl) {
  const passed = [];
  const check = async (name, fn) => {
    try {
      await fn();
    } catch (err) {
      err.message = `${name}: ${err.message}`;
      throw err;
    }
    passed.push(name);
  };
  await check('200 JSON', async () => {
    const r = await call(baseUrl, '/hello');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /application\/json/);
    assert.deepEqual(r.body, { greeting: 'hello' });
  });
  await check('a defineBackend() function, named after its export, answers from thread replicas', async () => {
    const r = await call(baseUrl, '/greet?name=ada');
    assert.equal(r.status, 200);
    assert.equal(r.body.hello, 'ada');
    assert.ok(r.body.threadId > 0, `threadId ${r.body.threadId}: not a worker thread`);
    assert.deepEqual((await call(baseUrl, '/admin/backends')).body, ['DemoBackend', 'SlowBackend', 'greet']);
  });
  await check('200 echo of a JSON body', async () => {
    const r = await call(baseUrl, '/echo', json('POST', '{"a":1}'));
    assert.deepEqual([r.status, r.body], [200, { body: { a: 1 } }]);
  });
  await check("handler's HttpException keeps its status", async () => {
    const r = await call(baseUrl, '/bad-request');
    assert.deepEqual([r.status, r.body.message], [400, 'no such thing']);
  });
  await check("handler's error with a numeric status keeps it", async () => {
    const r = await call(baseUrl, '/teapot');
    assert.deepEqual([r.status, r.body.message], [418, 'short and stout']);
  });
  await check('other errors: 500 naming the backend, no stack', async () => {
    const r = await call(baseUrl, '/boom');
    assert.equal(r.status, 500);
    assert.equal(r.body.backend, 'DemoBackend');
    assert.doesNotMatch(JSON.stringify(r.body), /kaboom|at DemoBackend/);
  });
  await check('malformed JSON: 400', async () => {
    const r = await call(baseUrl, '/echo', json('POST', '{"a":'));
    assert.equal(r.status, 400);
  });
  await check('method not allowed: 405 with Allow', async () => {
    const r = await call(baseUrl, '/echo');
    assert.deepEqual([r.status, r.headers.get('allow')], [405, 'POST']);
  });
  await check('a feature module imported after ServeModule keeps its routes', async () => {
    const list = await call(baseUrl, '/users');
    assert.deepEqual([list.status, list.body], [200, { served: 'users' }]);
    const one = await call(baseUrl, '/users/7');
    assert.deepEqual([one.status, one.body], [200, { served: 'user', id: '7' }]);
  });
  await check("unknown route: the host's 404", async () => {
    const r = await call(baseUrl, '/no-such-route');
    assert.deepEqual([r.status, r.body.message], [404, 'Cannot GET /no-such-route']);
  });
  await check('timeout: 504, and a request meanwhile on the saturated backend: 503 with Retry-After', async () => {
    const slow = call(baseUrl, '/slow?ms=3000');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const saturated = await call(baseUrl, '/slow?ms=0');
    assert.equal(saturated.status, 503);
    assert.ok(saturated.headers.get('retry-after'), 'Retry-After header');
    assert.equal((await slow).status, 504);
  });
  await check("ServeService error in the app's own controller keeps its status (404)", async () => {
    const r = await call(baseUrl, '/admin/traffic', json('POST', '{"NoSuchBackend":1}'));
    assert.equal(r.status, 404);
    assert.match(r.body.message, /NoSuchBackend/);
  });
  await check('userConfig update reaches the replicas', async () => {
    const r = await call(baseUrl, '/admin/greeting', json('POST', '{"greeting":"bonjour"}'));
    assert.equal(r.status, 201);
    assert.deepEqual((await call(baseUrl, '/hello')).body, { greeting: 'bonjour' });
  });
  return passed;
}

module.exports = { runChecks };
