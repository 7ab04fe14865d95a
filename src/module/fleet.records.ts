import { isDeepStrictEqual } from 'node:util';
import type { Type } from '@nestjs/common';
import { buildBackendDefinition, type BackendDefinition } from '../backend/backend.definition';
import { getBackendMetadata } from '../decorators/backend.metadata';
import { emptyFleetState, type FleetBackend, type FleetState } from '../fleet/fleet.state';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import { fleetMessages } from '../messages/fleet.messages';
import { shortCodeVersion } from '../replicas/code.version';
import { moduleFile, requireModule } from '../replicas/module.loader';
import { ServeError } from '../serve.errors';
import type { Declarations } from './serve.declarations';

/**
 * Backends as the fleet stores them, and back: a record names the module file, export and code
 * version, so an instance that never saw the class loads it (as replica hosts do) and refuses
 * other code. Classes this instance was given (forRoot(), createBackend) are used as they are.
 */
export class FleetRecords {
  private readonly classes = new Map<string, Type<unknown>>();

  constructor(private readonly instance: () => string) {}

  /** The fleet record of a backend this instance creates; remembers its class. */
  record(spec: BackendDefinition, config: ResolvedBackendConfig, checkJson = true): FleetBackend {
    this.classes.set(classKey(spec.modulePath, spec.exportName), spec.cls);
    if (checkJson && !isDeepStrictEqual(JSON.parse(JSON.stringify(spec.initArgs)), spec.initArgs))
      throw new ServeError('INVALID_CONFIG', fleetMessages.initArgsNotJson(spec.name, 'they do not survive JSON'));
    return {
      className: spec.className,
      modulePath: spec.modulePath,
      exportName: spec.exportName,
      codeVersion: spec.codeVersion,
      options: JSON.parse(
        JSON.stringify({
          initArgs: spec.initArgs,
          replica: spec.kind,
          placement: spec.placement,
          env: spec.env,
          resourceLimits: spec.resourceLimits,
        }),
      ) as FleetBackend['options'],
      config: JSON.parse(JSON.stringify(config)) as ResolvedBackendConfig,
    };
  }

  /** The desired state forRoot() declares (the state an instance runs before it joins the fleet). */
  declared(declarations: Declarations): FleetState {
    const state = emptyFleetState();
    for (const { spec, config } of declarations.backends) state.backends[spec.name] = this.record(spec, config, false);
    for (const e of declarations.endpoints)
      state.endpoints[e.name] = {
        route: e.route,
        methods: [...e.methods],
        traffic: { ...e.traffic },
        shadows: {},
        ...(e.stream ? { stream: e.stream } : {}),
      };
    return state;
  }

  /**
   * The definition of backend `name` from its record: the known class, else the module file's
   * export. Throws a ServeError naming the instance when the class cannot be loaded or its file
   * is another code version than the one stored.
   */
  definition(name: string, record: FleetBackend): BackendDefinition {
    const file = moduleFile(record.modulePath);
    let spec: BackendDefinition;
    try {
      const cls = this.classes.get(classKey(record.modulePath, record.exportName)) ?? load(record);
      spec = buildBackendDefinition(cls, name, {
        ...record.options,
        modulePath: record.modulePath,
        exportName: record.exportName,
      });
    } catch (err) {
      const why = (err as Error).message;
      throw new ServeError(
        'INVALID_CONFIG',
        fleetMessages.classNotFound(this.instance(), name, file, record.exportName, why),
      );
    }
    if (spec.codeVersion !== record.codeVersion)
      throw new ServeError(
        'INVALID_CONFIG',
        fleetMessages.codeMismatch(
          this.instance(),
          name,
          file,
          shortCodeVersion(record.codeVersion),
          shortCodeVersion(spec.codeVersion),
        ),
      );
    return spec;
  }
}

function classKey(modulePath: string, exportName: string): string {
  return `${modulePath}#${exportName}`;
}

function load(record: FleetBackend): Type<unknown> {
  const exports = requireModule(record.modulePath) as Record<string, unknown>;
  const candidate =
    exports[record.exportName] ??
    Object.values(exports).find((v) => typeof v === 'function' && v.name === record.className);
  if (typeof candidate !== 'function' || !getBackendMetadata(candidate))
    throw new Error(`it exports no backend '${record.exportName}'`);
  return candidate as Type<unknown>;
}
