import { createRequire } from 'node:module';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';

/** How the host's router compares paths; each adapter maps it onto its own settings. */
export interface HostRoutingSettings {
  /** `/Echo` differs from `/echo` (Express: 'case sensitive routing'; off by default). */
  caseSensitive?: boolean;
  /** `/echo/` differs from `/echo` (Express: 'strict routing'; off by default). */
  strict?: boolean;
}

/** An HTTP adapter a test suite runs on: its name and a factory for a fresh adapter. */
export interface HttpAdapterCase {
  name: string;
  create(settings?: HostRoutingSettings): AbstractHttpAdapter;
}

interface ExpressApp {
  set(setting: string, value: boolean): void;
}
// express is platform-express's own dependency (no typings here); its router reads these settings once, when created.
const express = createRequire(require.resolve('@nestjs/platform-express'))('express') as () => ExpressApp;

/**
 * Every HTTP adapter nestjs-serve supports. Suites that must hold on each adapter loop over this
 * list; a new adapter (Fastify) is added here and the suites run on it unchanged.
 */
export const httpAdapters: readonly HttpAdapterCase[] = [
  {
    name: 'express',
    create: (settings = {}) => {
      const app = express();
      app.set('case sensitive routing', settings.caseSensitive ?? false);
      app.set('strict routing', settings.strict ?? false);
      return new ExpressAdapter(app);
    },
  },
];
