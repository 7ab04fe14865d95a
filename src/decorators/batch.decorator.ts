import { BATCH_METADATA } from '../serve.constants';

/**
 * Marks a backend method as batched: it receives an array of up to `maxBatchSize` requests and
 * returns an array of results of the same length, in the same order.
 */
export function Batch(): MethodDecorator {
  return (target, propertyKey) => {
    const cls = target.constructor;
    const names: string[] = [...(Reflect.getOwnMetadata(BATCH_METADATA, cls) ?? [])];
    names.push(String(propertyKey));
    Reflect.defineMetadata(BATCH_METADATA, names, cls);
  };
}
