import type { Type } from '@nestjs/common';

/** Loads the class named by `spec` (`/abs/file.ts#ExportName`), or none for an empty spec. */
export function loadBackend(spec: string | undefined): Type<unknown>[] {
  if (!spec) return [];
  const [file, exportName] = spec.split('#');
  const cls = (require(file) as Record<string, unknown>)[exportName];
  if (typeof cls !== 'function') throw new Error(`${file} does not export a class ${exportName}`);
  return [cls as Type<unknown>];
}
