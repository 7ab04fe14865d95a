/** What in a handler's result (or a stream's chunk) would not reach the caller as returned, at `path`. */
export const resultMessages = {
  bigint: (path: string) =>
    `a BigInt at ${path}, which JSON cannot encode: return it as a string (value.toString()) or a number`,
  bigintArray: (kind: string, path: string) =>
    `a ${kind} at ${path}, which JSON cannot encode: return Array.from(array, String)`,
  dropped: (kind: string, path: string) => `a ${kind} at ${path}, which JSON drops: leave it out`,
  map: (path: string) => `a Map at ${path}, which JSON sends as {}: return Object.fromEntries(map)`,
  set: (path: string) => `a Set at ${path}, which JSON sends as {}: return [...set]`,
  cycle: (path: string) => `a cycle at ${path}, which JSON cannot encode: return a tree`,
  tooDeep: (levels: number, path: string) =>
    `a value nested deeper than ${levels} levels (at ${path}), which the app could not decode: return a flatter value`,
  readThrew: (path: string) =>
    `a value where reading ${path} threw (a getter or a Proxy trap): return plain data instead`,
  toJsonThrew: (path: string) => `a value where toJSON() of ${path} threw: fix toJSON() or return plain data instead`,
  notSendable: () =>
    'a value that cannot be copied to the app (a Proxy, a getter that throws, or an object such as a WeakMap, a socket or a class with native state)',
  threw: (what: string, cause: string) => `${what}. It threw: ${cause}`,
  nestedTooDeep: (levels: number) => `it nests objects deeper than ${levels} levels, which the app could not decode`,
  bodyTooDeep: (endpoint: string, levels: number) =>
    `Request body to endpoint '${endpoint}' nests objects or arrays deeper than ${levels} levels, which a replica could not decode: send a flatter body.`,
  payloadTooDeep: (endpoint: string, levels: number) =>
    `Handle payload to endpoint '${endpoint}' nests objects or arrays deeper than ${levels} levels, which a replica could not decode: send a flatter payload.`,
};
