/**
 * `value` as bytes to send when it is an `ArrayBuffer` or a view of one (a `Uint8Array` or
 * `Buffer`, any other typed array, a `DataView`): the view's own memory, not copied. Else `undefined`.
 */
export function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (Object.prototype.toString.call(value) === '[object ArrayBuffer]') return new Uint8Array(value as ArrayBuffer);
  return undefined;
}
