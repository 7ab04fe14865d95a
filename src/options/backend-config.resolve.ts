import type { BackendConfig, ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import { resolveAutoscalingConfig } from '../router/autoscaling.policy';
import { DEFAULT_BACKEND_CONFIG } from '../serve.constants';
import { stripUndefined } from '../utils/object.util';

/** A full config: defaults, overridden by the given fields. */
export function resolveConfig(config: BackendConfig): ResolvedBackendConfig {
  const resolved: ResolvedBackendConfig = { ...DEFAULT_BACKEND_CONFIG };
  for (const key of Object.keys(DEFAULT_BACKEND_CONFIG) as (keyof ResolvedBackendConfig)[]) {
    if (config[key] !== undefined) (resolved as Record<string, unknown>)[key] = config[key];
  }
  if (config.userConfig !== undefined) resolved.userConfig = structuredClone(config.userConfig);
  if (config.autoscaling) resolved.autoscaling = resolveAutoscalingConfig(config.autoscaling);
  return resolved;
}

/** An update's `autoscaling` merged into the current one field by field; `null` turns it off. */
export function mergedAutoscaling(
  previous: ResolvedBackendConfig,
  update: BackendConfig,
): BackendConfig['autoscaling'] {
  if (update.autoscaling === undefined) return previous.autoscaling;
  if (update.autoscaling === null) return undefined;
  return { ...previous.autoscaling, ...stripUndefined(update.autoscaling) };
}

/** A backend's config after an update: `update`'s fields over `previous`, autoscaling merged field by field. */
export function nextConfig(previous: ResolvedBackendConfig, update: BackendConfig): ResolvedBackendConfig {
  return resolveConfig({ ...previous, ...stripUndefined(update), autoscaling: mergedAutoscaling(previous, update) });
}
