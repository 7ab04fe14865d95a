/** A class as a message names it; its file too when two of them share the class name. */
interface NamedClass {
  className: string;
  modulePath: string;
}

/** Messages about `ServeModule.forRoot()` options that need more than "option X is Y; expected Z". */
export const optionMessages = {
  backendsNotArray: (got: string, name: string | undefined, where: string | undefined) =>
    `ServeModule.forRoot(): option 'backends' must be an array of backend classes; got ${got}${where ? ` (${where})` : ''}: write backends: [${name ?? 'TheBackend'}]${name ? '' : ', with the name it is exported under'}.`,
  duplicateDeclaredBackend: (name: string, first: NamedClass, second: NamedClass) => {
    const [a, b] = [first, second].map((c) =>
      first.className === second.className ? `class ${c.className} (${c.modulePath})` : `class ${c.className}`,
    );
    return `ServeModule.forRoot(): ${a} and ${b} are both backend '${name}': give one of them another name, @Backend({ name: '…' }) (for a function backend, defineBackend(fn, { name: '…' })).`;
  },
};
