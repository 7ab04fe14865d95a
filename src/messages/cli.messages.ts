/** Messages of the `nestjs-serve status` and `nestjs-serve apply` commands. */
export const cliMessages = {
  badField: (file: string, field: string, value: string, expected: string) =>
    `${file}: ${field} is ${value}; expected ${expected}. Fix the file and run apply again.`,
  unknownField: (file: string, field: string, known: readonly string[]) =>
    `${file}: unknown field ${field}; known fields there: ${known.join(', ')}. Fix the file and run apply again.`,
  notJson: (file: string, why: string) =>
    `${file} is not valid JSON (${why}). Fix the file, or write it as YAML (.yaml, with the optional package 'yaml' installed).`,
  notYaml: (file: string, why: string) => `${file} is not valid YAML (${why}). Fix the file and run apply again.`,
  yamlMissing: (file: string) =>
    `${file} is YAML, which needs the optional package 'yaml': npm install yaml. Or write the file as JSON (.json).`,
  unknownExtension: (file: string) =>
    `${file}: the file name must end in .json, .yaml or .yml, which says how to read it. Rename it.`,
  unreadable: (file: string, why: string) => `Cannot read ${file}: ${why}. Check the path.`,
  backendWithoutClass: (file: string, name: string) =>
    `${file}: backends.${name} does not exist in the fleet, and apply cannot create a backend from a class: give it modulePath, exportName and codeVersion as the fleet stores them (copy them from 'nestjs-serve status --json'), or create it in the app (createBackend) and reference it here.`,
  unknownBackendNamed: (file: string, field: string, backend: string, known: string[]) =>
    `${file}: ${field} names backend '${backend}', which is neither in the fleet nor in the file (known: ${known.join(', ') || 'none'}). Add it under backends or fix the name.`,
  routeShared: (file: string, route: string, a: string, b: string) =>
    `${file}: endpoints.${a} and endpoints.${b} both have route '${route}': a route belongs to one endpoint. Change one of them (or --prune the one the file does not list).`,
  cpusFixed: (file: string, name: string, current: number, wanted: number) =>
    `${file}: backends.${name}.config.cpusPerReplica is ${wanted}, but the running backend has ${current}, which cannot change (its replicas started with it). Create a new backend and move traffic to it.`,
  rolloutRunning: (file: string, endpoint: string, backend: string) =>
    `${file}: endpoints.${endpoint} would change endpoint '${endpoint}' while it is being rolled out to backend '${backend}': apply the file once the rollout ends (nestjs-serve status shows it), or abort the rollout first (ServeService.abortRollout('${endpoint}')).`,
  pruneInUse: (backend: string, endpoints: string[]) =>
    `--prune would delete backend '${backend}', which the file does not list, but endpoint(s) ${endpoints.join(', ')} still name it (traffic or shadows). Add it to the file's backends, or take it out of those endpoints. Nothing was written.`,
  conflict: (base: number, latest: number | undefined) =>
    `The fleet's desired state changed while apply ran: it was planned against revision ${base}, the store is now at ${latest ?? 'another revision'} (an app instance or another apply wrote it). Nothing was written. Run 'nestjs-serve apply FILE --dry-run' to see the plan against the new state, then apply again.`,
  noState: (bucket: string) =>
    `No desired state in JetStream bucket '${bucket}' yet: start an app instance with ServeModule.forRoot({ cluster }) on this NATS server and prefix (or check --prefix).`,
  unreachable: (servers: string, why: string) =>
    `Cannot reach NATS at ${servers} (${why}). Check --servers (or $NATS_URL) and that nats-server runs with JetStream (-js).`,
  lagging: (revision: number, lagging: string[], ms: number) =>
    `Written at revision ${revision}, but instance(s) ${lagging.join(', ')} had not applied it after ${ms} ms. The change is kept and they apply it when they catch up; check their logs.`,
  failedOn: (revision: number, failures: string[]) =>
    `Written at revision ${revision}, but ${failures.join('; ')}. The change is kept; fix the cause (that instance's log says more) or apply a file that undoes it.`,
};
