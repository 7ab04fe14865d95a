/** Messages of streaming and cancellation. */
export const streamMessages = {
  handleCancelled: (endpoint: string) =>
    `The call of endpoint '${endpoint}' was aborted by its caller (options.signal): nothing more is read from it.`,
  requestCancelled: (backend: string) =>
    `The caller of backend '${backend}' went away (client disconnected or signal aborted): the request was cancelled.`,
  streamIdle: (backend: string, ms: number) =>
    `Backend '${backend}' sent no chunk for ${ms} ms (streamIdleTimeoutMs): the stream was ended; raise streamIdleTimeoutMs if chunks come slower.`,
  batchStream: (backend: string, method: string) =>
    `Backend '${backend}': @Batch() method '${method}' is a generator; batching and streaming do not combine: drop @Batch() or return arrays.`,
  streamBroken: (backend: string, why: string) => `The stream of backend '${backend}' failed after it began: ${why}`,
};
