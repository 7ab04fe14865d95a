import Module from 'node:module';

/**
 * Makes this CommonJS build use the host app's own `@nestjs/common` (and `@nestjs/core`). Called by the ES-module entry
 * (`dist/index.mjs`) before any Nest-facing file loads. Why: a loader that compiles `require()`d ES
 * modules to CommonJS (tsx) gives a `require('@nestjs/common')` a second copy of the ESM-only Nest 12,
 * and the host's exception filter does not recognise that copy's `HttpException`: every status
 * would become 500. With the host's module in the require cache, every `require` gets that one.
 * On plain Node `require()` of an ES module returns this same namespace, so nothing changes there.
 */
export function adoptHostNest(common: object, core?: object): void {
  adopt('@nestjs/common', common);
  // `@nestjs/core` too: the module injects its `HttpAdapterHost`, which must be the app's class.
  if (core) adopt('@nestjs/core', core);
}

function adopt(name: string, namespace: object): void {
  const path = require.resolve(name);
  if (require.cache[path]?.exports === namespace) return;
  const adopted = new Module(path, module);
  adopted.filename = path;
  adopted.loaded = true;
  adopted.exports = namespace;
  require.cache[path] = adopted;
}
