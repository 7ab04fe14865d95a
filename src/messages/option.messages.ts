/** Messages about `ServeModule.forRoot()` options that need more than "option X is Y; expected Z". */
export const optionMessages = {
  backendsNotArray: (got: string, name: string | undefined, where: string | undefined) =>
    `ServeModule.forRoot(): option 'backends' must be an array of backend classes; got ${got}${where ? ` (${where})` : ''}: write backends: [${name ?? 'TheBackend'}]${name ? '' : ', with the name it is exported under'}.`,
};
