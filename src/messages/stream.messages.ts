import { resultMessages } from './result.messages';

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
  lossyChunk: (backend: string, method: string, problem: string) =>
    `Backend '${backend}': method '${method}' yielded ${problem}; the stream was ended. Yield JSON values, strings or bytes.`,
  chunkNotSendable: (backend: string) =>
    `Backend '${backend}' yielded ${resultMessages.notSendable()}; the stream was ended. Yield JSON values, strings or bytes.`,
};
