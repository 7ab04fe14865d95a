import { ENDPOINTS_METADATA } from '../serve.constants';
import type { EndpointOptions } from '../interfaces/endpoint-options.interface';

/** One `@Endpoint()` on a backend class: the options and the method that handles the route. */
export interface EndpointBinding {
  options: EndpointOptions;
  /** Method of the class that handles the endpoint (`'call'` for a class-level decorator). */
  handler: string;
}

/**
 * Binds a route of the host app to this backend. On a method, that method handles the route;
 * on the class, its `call(request)` method does.
 */
export function Endpoint(options: EndpointOptions): ClassDecorator & MethodDecorator {
  return (target: object, propertyKey?: string | symbol) => {
    const cls = (propertyKey === undefined ? target : target.constructor) as object;
    const handler = propertyKey === undefined ? 'call' : String(propertyKey);
    const bindings: EndpointBinding[] = [...(Reflect.getOwnMetadata(ENDPOINTS_METADATA, cls) ?? [])];
    bindings.push({ options, handler });
    Reflect.defineMetadata(ENDPOINTS_METADATA, bindings, cls);
  };
}
