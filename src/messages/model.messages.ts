const WAYS =
  "send it in the 'X-Serve-Model-Id' header, in a route parameter named 'model' (e.g. route '/models/:model/predict'), or as the handle option getHandle(endpoint).remote(payload, { modelId })";

/** Messages of multiplexed backends (`@Multiplexed()`): a missing or unusable model id, a failed load. */
export const modelMessages = {
  missingModelId: (backend: string) =>
    `Backend '${backend}' serves many models (@Multiplexed) and this request names none: ${WAYS}.`,
  badModelId: (backend: string, id: string, max: number) =>
    `Backend '${backend}': model id '${id.length > 40 ? `${id.slice(0, 40)}…` : id}' (${id.length} characters) is not usable: use 1 to ${max} characters of A-Z a-z 0-9 - _ . : @ + = /, starting with a letter, digit or '_', with no '..'.`,
  modelIdNotString: (backend: string, id: unknown) =>
    `Backend '${backend}': the handle option modelId is ${Array.isArray(id) ? 'an array' : `a ${typeof id}`}; pass the model id as a string, e.g. { modelId: 'en-fr' }.`,
  badPreloadId: (cls: string, id: string, max: number) =>
    `@Multiplexed() on class '${cls}': preload id '${id.length > 40 ? `${id.slice(0, 40)}…` : id}' (${id.length} characters) is not a usable model id: use 1 to ${max} characters of A-Z a-z 0-9 - _ . : @ + = /, starting with a letter, digit or '_', with no '..' (the rule request ids follow).`,
  conflictingModelIds: (backend: string, a: string, b: string) =>
    `Backend '${backend}': the request names two models, '${a}' and '${b}' (route parameter 'model', 'X-Serve-Model-Id' header or handle option modelId): name one, or make them equal.`,
  loadFailed: (backend: string, replica: string, model: string, reason: string) =>
    `Backend '${backend}' could not load model '${model}' on replica ${replica}: load() threw: ${reason}. The replica keeps serving; the next request for '${model}' tries to load it again.`,
  unloadFailed: (backend: string, replica: string, model: string, reason: string) =>
    `Backend '${backend}', replica ${replica}: unload() of model '${model}' threw: ${reason} (the model is dropped anyway).`,
  preloadFailed: (backend: string, replica: string, model: string, reason: string) =>
    `Backend '${backend}', replica ${replica}: preloading model '${model}' failed: ${reason}; its first request will try again.`,
  badMultiplexedOption: (cls: string, option: string, value: unknown, expected: string) =>
    `@Multiplexed() on class '${cls}': option '${option}' is ${JSON.stringify(value)}; expected ${expected}.`,
  twoMultiplexed: (cls: string, first: string, second: string) =>
    `Class '${cls}' has @Multiplexed() on both '${first}' and '${second}': a backend has one load method; keep one.`,
};
