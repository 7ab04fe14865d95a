import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// unplugin-swc: Vitest's esbuild emits no decorator metadata, which Nest's injection needs.
export default defineConfig({
  test: { include: ['test/**/*.spec.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
  plugins: [swc.vite({ module: { type: 'es6' } })],
});
