import type { ServeRequest } from '../interfaces/serve-request.interface';
import { MODEL_ID_HEADER, MODEL_ID_PARAM } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { modelMessages } from '../serve.messages';
import { MAX_MODEL_ID_LENGTH, isUsableModelId } from '../router/model-id.rule';

/**
 * The model a request of multiplexed backend `backend` is for: the handle option `modelId`, the
 * route parameter `model` or the `X-Serve-Model-Id` header (they must agree when several are
 * given). Throws a 400 {@link ServeError} naming the backend when there is none, when they
 * disagree, or when the id is not usable (see {@link isUsableModelId}).
 */
export function resolveModelId(backend: string, request: ServeRequest, option?: string): string {
  if (option !== undefined && typeof option !== 'string')
    throw new ServeError('BAD_REQUEST', modelMessages.modelIdNotString(backend, option));
  const header = request.headers[MODEL_ID_HEADER];
  const found = [option, request.params[MODEL_ID_PARAM], ...(Array.isArray(header) ? header : [header])].filter(
    (v): v is string => v !== undefined && v !== '',
  );
  if (found.length === 0) throw new ServeError('BAD_REQUEST', modelMessages.missingModelId(backend));
  const id = found[0];
  const other = found.find((v) => v !== id);
  if (other !== undefined) throw new ServeError('BAD_REQUEST', modelMessages.conflictingModelIds(backend, id, other));
  if (!isUsableModelId(id))
    throw new ServeError('BAD_REQUEST', modelMessages.badModelId(backend, String(id), MAX_MODEL_ID_LENGTH));
  return id;
}
