import { deserialize, serialize } from 'node:v8';

/**
 * Messages cross NATS in V8's structured-clone format, the one `postMessage` uses: what a
 * thread replica accepts (bytes, dates, maps...) a remote one accepts too, and what it refuses
 * fails the same way.
 */
export function decodeBatch(data: Uint8Array): unknown[] {
  return deserialize(data) as unknown[];
}

/** NATS's default `max_payload`, used until the server has told its own. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** The largest message the NATS server of `nc` takes. */
export function maxPayloadOf(nc: { info?: { max_payload: number } }): number {
  return nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
}

/** Raised for one message larger than the NATS server's `max_payload`. */
export class PayloadTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${bytes} bytes, over the NATS server's max_payload of ${limit} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/**
 * Encodes a batch into as few chunks as fit `maxPayload` each. Throws before anything is sent
 * when a message cannot be encoded (a `DataCloneError`) or is larger than `maxPayload` on its own
 * ({@link PayloadTooLargeError}), so the caller can send the others one by one.
 */
export function encodeBatch<M>(batch: M[], maxPayload: number): EncodedChunk<M>[] {
  const data = serialize(batch);
  if (data.length <= maxPayload) return [{ data, messages: batch }];
  if (batch.length === 1) throw new PayloadTooLargeError(data.length, maxPayload);
  const half = Math.ceil(batch.length / 2);
  return [...encodeBatch(batch.slice(0, half), maxPayload), ...encodeBatch(batch.slice(half), maxPayload)];
}

/** Some messages of a batch, encoded. */
export interface EncodedChunk<M> {
  data: Uint8Array;
  messages: M[];
}

/** Encodes one control value. */
export function pack(value: unknown): Uint8Array {
  return serialize(value);
}

/** Decodes one control value. */
export function unpack<T>(data: Uint8Array): T {
  return deserialize(data) as T;
}
