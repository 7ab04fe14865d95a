import { MULTIPLEXED_METADATA } from '../serve.constants';
import type { MultiplexedOptions } from '../interfaces/multiplexed-options.interface';
import { modelMessages } from '../serve.messages';
import { MAX_MODEL_ID_LENGTH, isUsableModelId } from '../router/model-id.rule';

/** What `@Multiplexed()` records on a class: its load method and the options. */
export interface MultiplexedMetadata {
  /** The decorated method, e.g. `load`. */
  readonly method: string;
  /** The options given. */
  readonly options: MultiplexedOptions;
}

/**
 * Marks the async `load(modelId)` method of a backend: the backend then serves many models. Each
 * replica keeps up to `maxModelsPerReplica` loaded (the one used least lately evicted, `unload(model)`
 * called if the class has one, also at shutdown); a request names its model by the
 * `X-Serve-Model-Id` header, a route parameter `model` or the handle option `modelId`, and the
 * handler gets `request.modelId` and the loaded `request.model`. Inside the replica, calling the
 * decorated method (`await this.load(id)`) goes through the same cache, as Ray Serve's
 * `get_model(model_id)` does.
 */
export function Multiplexed(options: MultiplexedOptions): MethodDecorator {
  return (target, propertyKey) => {
    const cls = target.constructor;
    const name = cls.name;
    const check = (option: string, value: unknown, ok: boolean, expected: string) => {
      if (!ok) throw new Error(modelMessages.badMultiplexedOption(name, option, value, expected));
    };
    const { maxModelsPerReplica: cap, maxModelMemoryMb: mem, preload, hotModelInFlight: hot } = options ?? {};
    check('maxModelsPerReplica', cap, Number.isInteger(cap) && cap >= 1, 'a whole number ≥ 1');
    check('maxModelMemoryMb', mem, mem === undefined || (typeof mem === 'number' && mem > 0), 'a number > 0');
    check('hotModelInFlight', hot, hot === undefined || (Number.isInteger(hot) && hot >= 1), 'a whole number ≥ 1');
    const strings = Array.isArray(preload) && preload.every((p) => typeof p === 'string');
    check('preload', preload, preload === undefined || strings, 'an array of model ids');
    const unusable = preload?.find((id) => !isUsableModelId(id));
    if (unusable !== undefined) throw new Error(modelMessages.badPreloadId(name, unusable, MAX_MODEL_ID_LENGTH));
    const copies = options?.modelReplicas;
    const copiesOk =
      copies === undefined ||
      (typeof copies === 'object' &&
        copies !== null &&
        !Array.isArray(copies) &&
        Object.values(copies).every((n) => Number.isInteger(n) && n >= 1));
    check('modelReplicas', copies, copiesOk, "an object of model id → whole number ≥ 1, e.g. { 'en-fr': 2 }");
    const idle = options?.idleCopyMs;
    check('idleCopyMs', idle, idle === undefined || (typeof idle === 'number' && idle > 0), 'a number of ms > 0');
    const routing = options?.routing;
    const routings = ['affinity', 'holder-or-least-loaded', 'random'];
    check('routing', routing, routing === undefined || routings.includes(routing), routings.join(', '));
    const existing: MultiplexedMetadata | undefined = Reflect.getOwnMetadata(MULTIPLEXED_METADATA, cls);
    if (existing && existing.method !== String(propertyKey))
      throw new Error(modelMessages.twoMultiplexed(name, existing.method, String(propertyKey)));
    const metadata: MultiplexedMetadata = { method: String(propertyKey), options: { ...options } };
    Reflect.defineMetadata(MULTIPLEXED_METADATA, metadata, cls);
  };
}
