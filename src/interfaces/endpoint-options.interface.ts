/** HTTP methods an endpoint can accept. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** Options of `@Endpoint()`. */
export interface EndpointOptions {
  /** Route in the app, with a leading `/`, e.g. `/sentiment`. */
  route: string;
  /** Accepted HTTP methods. Default `['GET']`. */
  methods?: HttpMethod[];
  /** Endpoint name. Default: the route. */
  name?: string;
  /** Relative share of the endpoint's traffic for this backend. Default 1. */
  weight?: number;
  /**
   * `'sse'`: a streaming handler's chunks go out as Server-Sent Events whatever the client's
   * `Accept` (otherwise SSE only for `Accept: text/event-stream`, raw chunks or NDJSON lines else).
   */
  stream?: 'sse';
}

/** Options of `ServeService.createEndpoint()`. */
export interface CreateEndpointOptions {
  /** The backend that serves the endpoint (all its traffic). */
  backend: string;
  /** Route in the app, with a leading `/`. */
  route: string;
  /** Accepted HTTP methods. Default `['GET']`. */
  methods?: HttpMethod[];
  /**
   * `'sse'`: a streaming handler's chunks go out as Server-Sent Events whatever the client's
   * `Accept` (otherwise SSE only for `Accept: text/event-stream`, raw chunks or NDJSON lines else).
   */
  stream?: 'sse';
}

/** What `listEndpoints()` shows of one endpoint. */
export interface EndpointInfo {
  /** HTTP route, e.g. `/sentiment`. */
  route: string;
  /** HTTP methods it accepts. */
  methods: string[];
  /** Share (0..1, summing to 1) of its requests each backend gets, by backend name. */
  traffic: Record<string, number>;
  /** Share (0..1) of its requests copied to each shadow backend, by backend name. */
  shadows: Record<string, number>;
}
