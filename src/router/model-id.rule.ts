/** Longest accepted model id, in characters. */
export const MAX_MODEL_ID_LENGTH = 128;

/** Letters, digits and `- _ . : @ + = /`, not starting with `.`, `/` or `-`. */
const USABLE = /^[A-Za-z0-9_][A-Za-z0-9._:@+=/-]*$/;

/**
 * Whether `id` can name a model: a string of 1 to {@link MAX_MODEL_ID_LENGTH} characters that is
 * safe in a path and a metric label (see {@link USABLE}) with no `..`. The same rule holds for
 * request ids and `@Multiplexed({ preload })`.
 */
export function isUsableModelId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_MODEL_ID_LENGTH && USABLE.test(id) && !id.includes('..');
}
