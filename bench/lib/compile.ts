import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFileSync } from '@swc/core';

/** Folders (relative to the repo root) the server children need, compiled together so relative imports hold. */
const SOURCES = ['src', 'bench/servers', 'bench/backends', 'bench/work', 'sample-app'];
/** Data files the compiled code reads beside itself (rows N load the sample's ONNX model), copied as they are. */
const ASSETS = ['sample-app/model'];

/**
 * Transpiles the library and the benchmark's servers, backends and workloads to CommonJS
 * JavaScript under `outDir` (same layout), so server children and their replicas run plain JS
 * like a production build: no TypeScript loader in the host or in any replica thread or process.
 * (Under `-r @swc-node/register` every replica thread loads the compiler and recompiles the
 * sources, which inflates its memory and start-up several-fold.) Returns the number of files.
 */
export function compileForServers(root: string, outDir: string): number {
  rmSync(outDir, { recursive: true, force: true });
  let count = 0;
  for (const folder of SOURCES) {
    for (const file of walk(join(root, folder))) {
      const { code } = transformFileSync(file, {
        swcrc: false,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      });
      const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
      count++;
    }
  }
  for (const folder of ASSETS) cpSync(join(root, folder), join(outDir, folder), { recursive: true });
  return count;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}
