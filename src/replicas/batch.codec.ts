import type { ServeRequest } from '../interfaces/serve-request.interface';
import type { FromReplica, ToReplica } from './replica.protocol';

/**
 * How a batch of replica messages crosses a thread or process boundary. Structured clone pays for
 * every object and every property name it writes, so the two messages of every request travel as
 * runs of plain values in one flat array instead of nested objects: a `call` as
 * `CALL, id, method, request fields…` (empty `params` / `query` / `headers` as `0`), a successful
 * `result` with a plain value as `VALUE, id, value`. Every other message travels as itself. About
 * 3 × cheaper to clone either way than the objects (v8 `serialize` + `deserialize`).
 */
export type WireBatch = unknown[];

/** Tag of a `call` run: id, method, then the request's method, path, params, query, headers, body, id, modelId. */
const CALL = 1;
/** Tag of a `result` run of a plain value: id, value. */
const VALUE = 2;
/** Values after a {@link CALL} tag. */
const CALL_LENGTH = 10;

/** Encodes app → replica messages. */
export function encodeToReplica(batch: readonly ToReplica[]): WireBatch {
  const wire: unknown[] = [];
  for (const message of batch) {
    if (message.t !== 'call') {
      wire.push(message);
      continue;
    }
    const r = message.r;
    wire.push(
      CALL,
      message.id,
      message.m,
      r.method,
      r.path,
      orEmpty(r.params),
      orEmpty(r.query),
      orEmpty(r.headers),
      r.body,
      r.id,
      r.modelId,
    );
  }
  return wire;
}

/** Decodes what {@link encodeToReplica} made (an array of plain messages decodes to itself). */
export function decodeToReplica(wire: WireBatch): ToReplica[] {
  const batch: ToReplica[] = [];
  for (let i = 0; i < wire.length; i++) {
    const item = wire[i];
    if (item !== CALL) {
      batch.push(item as ToReplica);
      continue;
    }
    const r: ServeRequest = {
      method: wire[i + 3] as string,
      path: wire[i + 4] as string,
      params: fromEmpty(wire[i + 5]) as ServeRequest['params'],
      query: fromEmpty(wire[i + 6]) as ServeRequest['query'],
      headers: fromEmpty(wire[i + 7]) as ServeRequest['headers'],
      body: wire[i + 8],
      id: wire[i + 9] as string,
    };
    if (wire[i + 10] !== undefined) r.modelId = wire[i + 10] as string;
    batch.push({ t: 'call', id: wire[i + 1] as number, m: wire[i + 2] as string, r });
    i += CALL_LENGTH;
  }
  return batch;
}

/** Encodes replica → app messages. */
export function encodeFromReplica(batch: readonly FromReplica[]): WireBatch {
  const wire: unknown[] = [];
  for (const message of batch) {
    if (message.t === 'result' && message.o.ok && 'v' in message.o.v && !message.o.mx)
      wire.push(VALUE, message.id, message.o.v.v);
    else wire.push(message);
  }
  return wire;
}

/** Decodes what {@link encodeFromReplica} made (an array of plain messages decodes to itself). */
export function decodeFromReplica(wire: WireBatch): FromReplica[] {
  const batch: FromReplica[] = [];
  for (let i = 0; i < wire.length; i++) {
    const item = wire[i];
    if (item !== VALUE) {
      batch.push(item as FromReplica);
      continue;
    }
    batch.push({ t: 'result', id: wire[i + 1] as number, o: { ok: true, v: { v: wire[i + 2] } } });
    i += 2;
  }
  return batch;
}

/** `0` for an object with no own enumerable property (cheaper to clone, and rebuilt fresh). */
function orEmpty(value: object): object | 0 {
  if (value === null || typeof value !== 'object') return value;
  for (const key in value) if (Object.hasOwn(value, key)) return value;
  return 0;
}

function fromEmpty(value: unknown): unknown {
  return value === 0 ? {} : value;
}
