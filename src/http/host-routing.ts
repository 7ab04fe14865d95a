import type { AbstractHttpAdapter } from '@nestjs/core';
import { EXPRESS_DEFAULT_ROUTING, NARROWEST_ROUTING, type HostRouting } from './route-path.matcher';

/** The part of an Express 5 app read here: its router, created with the app's routing settings. */
interface ExpressRouterView {
  router?: { caseSensitive?: boolean; strict?: boolean };
}

/**
 * How the host app's router compares paths, read from the adapter once the app serves. Express:
 * its router's `caseSensitive` and `strict` (set from 'case sensitive routing' and 'strict
 * routing' when the router was created). Any other adapter gets the narrowest matching until its
 * rules are read here too: an endpoint may then refuse a path the host would accept, never the
 * other way round.
 */
export function hostRoutingOf(adapter: AbstractHttpAdapter | undefined): HostRouting {
  if (adapter?.getType() !== 'express') return NARROWEST_ROUTING;
  const router = (adapter.getInstance() as ExpressRouterView).router;
  if (!router) return EXPRESS_DEFAULT_ROUTING;
  return { caseSensitive: router.caseSensitive === true, strict: router.strict === true };
}
