/** What the source text says about the value of one `defineBackend()` call. */
export type SourceExport =
  /** The module exports it under `name` (`'default'` for `export default`). */
  | { exported: string }
  /** It is held by the local `name`, which no export of the module names. */
  | { unexported: string };

const CALL = /(?:[A-Za-z_$][\w$]*\s*\.\s*)?\bdefineBackend\s*(?:<[^()]*>\s*)?\(/g;
const DECLARATION = /(export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=;]+)?=\s*$/;
// A block comment, a line that is a comment, or a comment after the `=`: what may sit between a
// declaration and its call (a `//` elsewhere on a line may be inside a string).
const TRAILING_COMMENT = /(?:\/\*(?:(?!\*\/)[\s\S])*\*\/|(?<=^|\n|=)[ \t]*\/\/[^\n]*)$/;

/**
 * Reads, from a module's source text, the export that holds the value of the `defineBackend()` call
 * at `line` and `column` (1-based; the column may point anywhere from the callee to its `(`, and may
 * be off when a loader moved it: one call on the line is then enough): `export const hello =
 * defineBackend(...)`, `export default defineBackend(...)`, or `const hello = defineBackend(...)`
 * with `export { hello }` / `export { hello as other }` / `export default hello` elsewhere in the
 * module. Undefined when there is no such call there or the text is written otherwise.
 */
export function findSourceExport(source: string, line: number, column: number): SourceExport | undefined {
  const lines = source.split(/\r?\n/);
  const text = lines[line - 1];
  if (text === undefined) return undefined;
  const calls = [...text.matchAll(CALL)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const call =
    calls.find((c) => column - 1 >= c.start && column - 1 < c.end) ?? (calls.length === 1 ? calls[0] : undefined);
  if (!call) return undefined;
  const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + call.start;
  const before = withoutTrailingComments(source.slice(0, offset).replace(/\r/g, ''));
  if (/(?:^|[\s;}])export\s+default\s*$/.test(before)) return { exported: 'default' };
  const declaration = DECLARATION.exec(before);
  if (!declaration) return undefined;
  const local = declaration[2];
  if (declaration[1]) return { exported: local };
  const exported = exportOfLocal(source, local);
  return exported ? { exported } : { unexported: local };
}

function withoutTrailingComments(text: string): string {
  let rest = text.trimEnd();
  for (let previous = ''; previous !== rest;) {
    previous = rest;
    rest = rest.replace(TRAILING_COMMENT, '').trimEnd();
  }
  return rest;
}

/** The name under which `export { local }`, `export { local as name }` or `export default local` exports it. */
function exportOfLocal(source: string, local: string): string | undefined {
  if (new RegExp(`(?:^|[\\s;}])export\\s+default\\s+${escape(local)}\\s*(?:;|$)`, 'm').test(source)) return 'default';
  for (const list of source.matchAll(/(?:^|[\s;}])export\s*\{([^}]*)\}(?!\s*from\b)/g)) {
    for (const entry of list[1].split(',')) {
      const [name, alias] = entry.trim().split(/\s+as\s+/);
      if (name === local) return alias?.trim() || local;
    }
  }
  return undefined;
}

function escape(name: string): string {
  return name.replace(/\$/g, '\\$');
}
