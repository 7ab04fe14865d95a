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
 * at `line` and `column` (1-based, as a source map gives them: anywhere from the callee to its `(`,
 * or inside its arguments; a column off on the call's line is fine when the line has one call):
 * `export const hello = defineBackend(...)`, `export default defineBackend(...)`, or
 * `const hello = defineBackend(...)`
 * with `export { hello }` / `export { hello as other }` / `export default hello` elsewhere in the
 * module. Undefined when there is no such call there or the text is written otherwise.
 */
export function findSourceExport(source: string, line: number, column: number): SourceExport | undefined {
  const text = source.replace(/\r/g, '');
  const start = callAt(text, line, column);
  if (start === undefined) return undefined;
  const before = withoutTrailingComments(text.slice(0, start));
  if (/(?:^|[\s;}])export\s+default\s*$/.test(before)) return { exported: 'default' };
  const declaration = DECLARATION.exec(before);
  if (!declaration) return undefined;
  const local = declaration[2];
  if (declaration[1]) return { exported: local };
  const exported = exportOfLocal(text, local);
  return exported ? { exported } : { unexported: local };
}

/**
 * Where the `defineBackend(` call at `line` and `column` (see {@link findSourceExport}) starts: the
 * line and column of its callee (1-based), or undefined when there is no such call there.
 */
export function findCall(source: string, line: number, column: number): { line: number; column: number } | undefined {
  const text = source.replace(/\r/g, '');
  const start = callAt(text, line, column);
  if (start === undefined) return undefined;
  const before = text.slice(0, start).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * The offset of the `defineBackend(` call at `line` and `column`: the one on the line the column
 * falls on (callee to `(`), else the only one on the line, else the nearest one before whose
 * arguments hold the position (a source map may point into them).
 */
function callAt(source: string, line: number, column: number): number | undefined {
  const lines = source.split('\n');
  if (line < 1 || line > lines.length) return undefined;
  const lineStart = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  const position = lineStart + Math.min(Math.max(column - 1, 0), lines[line - 1].length);
  const calls = [...source.matchAll(CALL)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const onLine = calls.filter((c) => c.start >= lineStart && c.start <= lineStart + lines[line - 1].length);
  const hit =
    onLine.find((c) => position >= c.start && position < c.end) ?? (onLine.length === 1 ? onLine[0] : undefined);
  if (hit) return hit.start;
  if (onLine.length) return undefined;
  const enclosing = calls.filter((c) => c.end <= position && openParens(source.slice(c.end, position)) >= 0).pop();
  return enclosing?.start;
}

/** How many more `(` than `)` the text has, or -1 once a `)` closes the call the text follows. */
function openParens(text: string): number {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth++;
    else if (char === ')' && --depth < 0) return -1;
  }
  return depth;
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
