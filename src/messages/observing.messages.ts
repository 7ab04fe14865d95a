/** Messages of the wiring of the live signals (request ids, the observing routes, their options). */
export const observingMessages = {
  handlerThrewFor: (backend: string, replica: string, method: string, requestId: string, stack: string) =>
    `Backend '${backend}' replica ${replica}: method '${method}' threw (request ${requestId}): ${stack}`,
  badRequestIdReplaced: (length: number, id: string, route: string) =>
    `Request to ${route}: header X-Request-Id (${length} characters) is not a usable id (at most 128 of A-Z a-z 0-9 - _ . : / + = @); it goes by ${id} instead.`,
  observingPathClash: (a: string, b: string, path: string) =>
    `Options ${a} and ${b} are both '${path}': give the metrics and the status page different paths.`,
};
