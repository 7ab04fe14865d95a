/** What in a handler's result (or a stream's chunk) would not reach the caller as returned, at `path`. */
export const resultMessages = {
  bigint: (path: string) =>
    `a BigInt at ${path}, which JSON cannot encode: return it as a string (value.toString()) or a number`,
  bigintArray: (kind: string, path: string) =>
    `a ${kind} at ${path}, which JSON cannot encode: return Array.from(array, String)`,
  dropped: (kind: string, path: string) => `a ${kind} at ${path}, which JSON drops: leave it out`,
  map: (path: string) => `a Map at ${path}, which JSON sends as {}: return Object.fromEntries(map)`,
  set: (path: string) => `a Set at ${path}, which JSON sends as {}: return [...set]`,
  arrayBuffer: (path: string) =>
    `an ArrayBuffer at ${path}, which JSON sends as {}: return new Uint8Array(buffer) (bytes as the whole result are sent as they are)`,
  sharedArrayBuffer: (path: string) =>
    `a SharedArrayBuffer at ${path}, which JSON sends as {}: return a copy, new Uint8Array(buffer).slice()`,
  dataView: (path: string) =>
    `a DataView at ${path}, which JSON sends as {}: return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)`,
  error: (path: string) =>
    `an Error at ${path}, which JSON sends as {} (its message and stack are not enumerable): throw it to fail the request, or return { message: error.message }`,
  regExp: (path: string) => `a RegExp at ${path}, which JSON sends as {}: return regexp.source or String(regexp)`,
  cycle: (path: string) => `a cycle at ${path}, which JSON cannot encode: return a tree`,
  tooDeep: (levels: number, path: string) =>
    `a value nested deeper than ${levels} levels (at ${path}), which the app could not decode: return a flatter value`,
  readThrew: (path: string) =>
    `a value where reading ${path} threw (a getter or a Proxy trap): return plain data instead`,
  toJsonThrew: (path: string) => `a value where toJSON() of ${path} threw: fix toJSON() or return plain data instead`,
  statusNotNumber: (kind: string) => `a status that is ${kind}: use an integer from 200 to 599`,
  statusInterim: (status: number) =>
    `status ${status}, which cannot end a request (a 1xx status is interim, sent before the real answer): use an integer from 200 to 599`,
  statusOutOfRange: (status: string) => `status ${status}: use an integer from 200 to 599`,
  headersNotObject: (kind: string) => `headers that are ${kind}: use an object of header names to values`,
  headerName: (name: string) =>
    `a header name ${name}, which is not an HTTP token: use letters, digits and !#$%&'*+-.^_\`|~ only`,
  headerUndefined: (name: string) =>
    `a header ${name} whose value is undefined: give it a string, or leave the header out`,
  headerType: (name: string, kind: string) =>
    `a header ${name} whose value is ${kind}: use a string, a number or an array of strings`,
  headerChar: (name: string) =>
    `a header ${name} whose value holds a control character (CR, LF, NUL, …) or a character above U+00FF: remove it, or encode the value (encodeURIComponent)`,
  notSendable: () =>
    'a value that cannot be copied to the app (a Proxy, a getter that throws, or an object such as a WeakMap, a socket or a class with native state)',
  threw: (what: string, cause: string) => `${what}. It threw: ${cause}`,
  nestedTooDeep: (levels: number) => `it nests objects deeper than ${levels} levels, which the app could not decode`,
  bodyTooDeep: (endpoint: string, levels: number) =>
    `Request body to endpoint '${endpoint}' nests objects or arrays deeper than ${levels} levels, which a replica could not decode: send a flatter body.`,
  payloadTooDeep: (endpoint: string, levels: number) =>
    `Handle payload to endpoint '${endpoint}' nests objects or arrays deeper than ${levels} levels, which a replica could not decode: send a flatter payload.`,
};
