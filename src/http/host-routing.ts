import type { AbstractHttpAdapter } from '@nestjs/core';
import { EXPRESS_DEFAULT_ROUTING, NARROWEST_ROUTING, type HostRouting } from './route-path.matcher';

/** The part of an Express 5 app read here: its router, created with the app's routing settings. */
interface ExpressRouterView {
  router?: { caseSensitive?: boolean; strict?: boolean };
}

/** The router settings of a Fastify instance, at the top level or under `routerOptions`. */
interface FastifyRouterSettings {
  caseSensitive?: boolean;
  ignoreTrailingSlash?: boolean;
  ignoreDuplicateSlashes?: boolean;
  useSemicolonDelimiter?: boolean;
}

/** The part of a Fastify instance read here. */
interface FastifyView {
  initialConfig: FastifyRouterSettings & { routerOptions?: FastifyRouterSettings };
}

/**
 * How the host app's router compares paths, read from the adapter once the app serves. Express:
 * its router's `caseSensitive` and `strict` (set from 'case sensitive routing' and 'strict
 * routing' when the router was created). Fastify: find-my-way's `caseSensitive`,
 * `ignoreTrailingSlash`, `ignoreDuplicateSlashes` and `useSemicolonDelimiter`, as Fastify reads
 * them (`routerOptions` first, then the top level). Any other adapter gets the narrowest matching:
 * an endpoint may then refuse a path the host would accept, never the other way round.
 */
export function hostRoutingOf(adapter: AbstractHttpAdapter | undefined): HostRouting {
  const type = adapter?.getType();
  if (type === 'fastify') return fastifyRouting((adapter?.getInstance() as FastifyView).initialConfig);
  if (type !== 'express') return NARROWEST_ROUTING;
  const router = (adapter?.getInstance() as ExpressRouterView).router;
  if (!router) return EXPRESS_DEFAULT_ROUTING;
  return { caseSensitive: router.caseSensitive === true, strict: router.strict === true };
}

function fastifyRouting(config: FastifyView['initialConfig']): HostRouting {
  const setting = (name: keyof FastifyRouterSettings): boolean | undefined =>
    config.routerOptions?.[name] ?? config[name];
  return {
    caseSensitive: setting('caseSensitive') !== false,
    strict: setting('ignoreTrailingSlash') !== true,
    decoded: {
      ignoreDuplicateSlashes: setting('ignoreDuplicateSlashes') === true,
      semicolonDelimiter: setting('useSemicolonDelimiter') === true,
    },
  };
}
