/** Messages of the wiring of the live signals (request ids, the observing routes, their options). */
export const observingMessages = {
  handlerThrewFor: (backend: string, replica: string, method: string, requestId: string, stack: string) =>
    `Backend '${backend}' replica ${replica}: method '${method}' threw (request ${requestId}): ${stack}`,
  badRequestIdReplaced: (length: number, id: string, route: string) =>
    `Request to ${route}: header X-Request-Id (${length} characters) is not a usable id (at most 128 of A-Z a-z 0-9 - _ . : / + = @); it goes by ${id} instead.`,
  observingMethodNotAllowed: (method: string, path: string, option: 'metrics.path' | 'dashboard.path') =>
    `Path '${path}' is nestjs-serve's ${option === 'metrics.path' ? 'metrics' : 'status page'} (option ${option}): it answers GET and HEAD only, not ${method}. Read it with GET, or give ${option} another path to free this one.`,
  endpointHiddenByObserving: (endpoint: string, path: string, option: string) =>
    `Endpoint '${endpoint}' will get no request: ${path} is nestjs-serve's ${option === 'metrics.path' ? 'metrics' : 'status page'} (option ${option}), which answers it first for every method. Give the endpoint another route, or give ${option} another path.`,
  observingPathClash: (a: string, b: string, path: string) =>
    `Options ${a} and ${b} are both '${path}': give the metrics and the status page different paths.`,
};
