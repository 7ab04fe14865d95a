/**
 * What a backend handler receives for each request. `TModel` types {@link model}, the loaded
 * model of a multiplexed backend (`@Multiplexed()`).
 */
export interface ServeRequest<TBody = unknown, TModel = unknown> {
  /** HTTP method, upper case (`'POST'` for handle calls). */
  method: string;
  /** Path of the request, without the query string. */
  path: string;
  /**
   * The route's parameters, percent-decoded: `{ model: 'resnet' }` for route
   * `/models/:model/predict` and path `/models/resnet/predict`. Empty for a route without
   * parameters and for handle calls. A parameter never holds a `/`: a path with an encoded
   * slash (`%2F`) reaches no endpoint.
   */
  params: Record<string, string>;
  /** Parsed query string. */
  query: Record<string, string | string[]>;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[]>;
  /** Parsed JSON, text, bytes, or `undefined` when the request had no body. */
  body: TBody;
  /**
   * The request's id: its `X-Request-Id` header when that is usable (1 to 128 characters of
   * `A-Z a-z 0-9 - _ . : / + = @`), else a new UUID. The response carries it back in
   * `X-Request-Id`; log lines and error bodies about the request name it; handle calls made while
   * handling it carry it on (see {@link RemoteOptions.requestId}).
   */
  id: string;
  /**
   * Aborts when the caller goes away (client disconnected, handle caller aborted), or the request
   * timed out (`requestTimeoutMs`, `streamIdleTimeoutMs`). Set on every request a handler receives
   * in a replica; a streaming handler's generator is also closed (`return()`) at that moment.
   */
  signal?: AbortSignal;
  /**
   * The model the request is for, on a multiplexed backend (`@Multiplexed()`): from the
   * `X-Serve-Model-Id` header, the route parameter `model`, or the handle option `modelId`.
   */
  modelId?: string;
  /**
   * In the replica of a multiplexed backend: the model {@link modelId} names, as its `load(modelId)`
   * returned it, loaded before the handler runs (from the replica's cache when it holds it).
   */
  model?: TModel;
}

/** Options of `ServeHandle.remote()`. */
export interface RemoteOptions {
  /** Call this method of the chosen backend instead of the one bound to the endpoint. */
  method?: string;
  /** Requests with the same key reach the same backend while the weights stay the same. */
  shardKey?: string;
  /**
   * The id of the call (its `request.id`). Default: inside a handler, the id of the request it
   * handles; elsewhere a new UUID. An unusable id is replaced by a new one.
   */
  requestId?: string;
  /**
   * The model the call is for, on an endpoint served by a multiplexed backend (`@Multiplexed()`):
   * the handler sees it as `request.modelId` and the loaded model as `request.model`.
   */
  modelId?: string;
}

/** Options of `ServeHandle.stream()` (and `remote()`). */
export interface StreamOptions extends RemoteOptions {
  /** Aborting it cancels the call: the handler's `request.signal` aborts, its generator is closed. */
  signal?: AbortSignal;
}

/** A way to call an endpoint from code, through its traffic policy, without HTTP. */
export interface ServeHandle {
  /** Name of the endpoint this handle calls. */
  readonly endpoint: string;
  /** Calls the endpoint with `payload` as the request body; settles with the handler's result. */
  remote<TResult = unknown>(payload?: unknown, options?: StreamOptions): Promise<TResult>;
  /**
   * Calls the endpoint and yields its chunks as they come (a handler that does not stream yields
   * its value once). Leaving the loop early, or aborting `options.signal`, cancels the call.
   */
  stream<TChunk = unknown>(payload?: unknown, options?: StreamOptions): AsyncIterable<TChunk>;
}
