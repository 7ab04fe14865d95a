import type { ServeRequest } from '../interfaces/serve-request.interface';

/**
 * The empty `params`, `query` and `headers` of every handle call's request, shared: on the host a
 * request is only read and sent (each replica gets fresh objects).
 */
const NO_FIELDS: Readonly<Record<string, never>> = Object.freeze({});

/**
 * The request of a handle call (`getHandle(ep).remote()` / `.stream()`): `POST` to the endpoint's
 * route with the payload as its body. A class rather than an object literal on purpose: V8 may
 * "pretenure" a literal's allocation site (allocate it straight in the old generation) when many of
 * its objects are alive at one collection, and then every young object such a request points to
 * survives the young collections too; a constructor has no allocation site.
 */
export class HandleRequest implements ServeRequest {
  readonly method = 'POST';
  readonly params = NO_FIELDS;
  readonly query = NO_FIELDS;
  readonly headers = NO_FIELDS;
  /** The model it is for, set by the dispatcher when its backend is multiplexed. */
  modelId: string | undefined = undefined;

  constructor(
    readonly path: string,
    readonly body: unknown,
    readonly id: string,
  ) {}
}
