import type { ServeRequest } from '../interfaces/serve-request.interface';
import { MODEL_ID_HEADER, MODEL_ID_PARAM } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { modelMessages } from '../serve.messages';

/** Longest accepted model id, in characters. */
export const MAX_MODEL_ID_LENGTH = 128;

/** A usable model id: letters, digits and `- _ . : @ + = /`, not starting with `.`, `/` or `-`, no `..`. */
const USABLE = /^[A-Za-z0-9_][A-Za-z0-9._:@+=/-]*$/;

/**
 * The model a request of multiplexed backend `backend` is for: the handle option `modelId`, the
 * route parameter `model` or the `X-Serve-Model-Id` header (they must agree when several are
 * given). Throws a 400 {@link ServeError} naming the backend when there is none, when they
 * disagree, or when the id is not usable (see {@link MAX_MODEL_ID_LENGTH}).
 */
export function resolveModelId(backend: string, request: ServeRequest, option?: string): string {
  const header = request.headers[MODEL_ID_HEADER];
  const found = [option, request.params[MODEL_ID_PARAM], ...(Array.isArray(header) ? header : [header])].filter(
    (v): v is string => v !== undefined && v !== '',
  );
  if (found.length === 0) throw new ServeError('BAD_REQUEST', modelMessages.missingModelId(backend));
  const id = found[0];
  const other = found.find((v) => v !== id);
  if (other !== undefined) throw new ServeError('BAD_REQUEST', modelMessages.conflictingModelIds(backend, id, other));
  if (typeof id !== 'string' || id.length > MAX_MODEL_ID_LENGTH || !USABLE.test(id) || id.includes('..'))
    throw new ServeError('BAD_REQUEST', modelMessages.badModelId(backend, String(id), MAX_MODEL_ID_LENGTH));
  return id;
}
