import { createRequire } from 'node:module';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** How the host's router compares paths; each adapter maps it onto its own settings. */
export interface HostRoutingSettings {
  /** `/Echo` differs from `/echo` (Express: 'case sensitive routing', off by default; Fastify: `caseSensitive`, on by default). */
  caseSensitive?: boolean;
  /** `/echo/` differs from `/echo` (Express: 'strict routing', off by default; Fastify: not `ignoreTrailingSlash`, on by default). */
  strict?: boolean;
  /** `//echo` reaches `/echo` (Fastify: `ignoreDuplicateSlashes`, off by default; Express has no such setting). */
  ignoreDuplicateSlashes?: boolean;
}

/** An HTTP adapter a test suite runs on: its name and a factory for a fresh adapter. */
export interface HttpAdapterCase {
  name: 'express' | 'fastify';
  create(settings?: HostRoutingSettings): AbstractHttpAdapter;
  /** How its router compares paths when not told otherwise. */
  defaults: Required<HostRoutingSettings>;
  /** The type `app.useBodyParser()` takes for the host's own text parser. */
  textBodyParser: string;
}

interface ExpressApp {
  set(setting: string, value: boolean): void;
}
// express is platform-express's own dependency (no typings here); its router reads these settings once, when created.
const express = createRequire(require.resolve('@nestjs/platform-express'))('express') as () => ExpressApp;

/**
 * Every HTTP adapter nestjs-serve supports. Suites that must hold on each adapter loop over this
 * list. `TEST_ADAPTERS=fastify` (comma-separated names) narrows it while developing.
 */
export const httpAdapters: readonly HttpAdapterCase[] = (
  [
    {
      name: 'express',
      create: (settings = {}) => {
        const app = express();
        app.set('case sensitive routing', settings.caseSensitive ?? false);
        app.set('strict routing', settings.strict ?? false);
        return new ExpressAdapter(app);
      },
      defaults: { caseSensitive: false, strict: false, ignoreDuplicateSlashes: false },
      textBodyParser: 'text',
    },
    {
      name: 'fastify',
      create: (settings = {}) =>
        new FastifyAdapter({
          routerOptions: {
            ...(settings.caseSensitive !== undefined && { caseSensitive: settings.caseSensitive }),
            ...(settings.strict !== undefined && { ignoreTrailingSlash: !settings.strict }),
            ...(settings.ignoreDuplicateSlashes !== undefined && {
              ignoreDuplicateSlashes: settings.ignoreDuplicateSlashes,
            }),
          },
        }),
      defaults: { caseSensitive: true, strict: true, ignoreDuplicateSlashes: false },
      textBodyParser: 'text/plain',
    },
  ] satisfies HttpAdapterCase[]
).filter((a) => !process.env.TEST_ADAPTERS || process.env.TEST_ADAPTERS.split(',').includes(a.name));
