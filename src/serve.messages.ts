import { resultMessages } from './messages/result.messages';
import { describeValue } from './messages/value.describe';

/**
 * Every message nestjs-serve shows a user: `messages` here, the other groups in `src/messages/`,
 * re-exported below. Each names what it is about and, where there is something to do, what to do.
 */
export const messages = {
  invalidOption: (subject: string, option: string, value: unknown, expected: string) =>
    `${subject}: option '${option}' is ${describeValue(value)}; expected ${expected}.`,
  notABackend: (what: string) => `${what} is not a backend class: decorate it with @Backend() (from 'nestjs-serve').`,
  duplicateBackend: (name: string) => `Backend '${name}' already exists: pick another name or delete it first.`,
  unknownBackend: (name: string, known: string[]) =>
    `Backend '${name}' does not exist; known backends: ${list(known)}.`,
  unknownEndpoint: (name: string, known: string[]) =>
    `Endpoint '${name}' does not exist; known endpoints: ${list(known)}.`,
  duplicateEndpoint: (name: string) => `Endpoint '${name}' already exists: pick another name or delete it first.`,
  routeTaken: (route: string, owner: string, wanted: string) =>
    `Route '${route}' already belongs to endpoint '${owner}', so endpoint '${wanted}' cannot use it: a route belongs to one endpoint.`,
  routeTakenIgnoringCase: (route: string, wanted: string, other: string, owner: string) =>
    `Route '${route}' of endpoint '${wanted}' differs from route '${other}' of endpoint '${owner}' only in case, and the app's router ignores case (Express's default), so both are one route; a route belongs to one endpoint. Give endpoint '${wanted}' another route, or make the app's routing case-sensitive (Express: 'case sensitive routing' on the Express app given to ExpressAdapter; Fastify: caseSensitive).`,
  endpointHidden: (endpoint: string, method: string, path: string, appRoute: string) =>
    `Endpoint '${endpoint}' will get no ${method} request: the app's own route ${method} ${appRoute} answers ${path} first (an app's routes win over endpoints). Give the endpoint another route, or remove that route from the app's controller.`,
  fastifyAdapterTooLate: () =>
    `The app's Fastify adapter was set after nestjs-serve's providers were built (Nest 11's Test.createTestingModule() does this), so endpoints are not routed on it: create the app with NestFactory.create(AppModule, new FastifyAdapter()) or use Nest 12, whose testing module says when the adapter is set.`,
  ambiguousRoutes: (route: string, wanted: string, other: string, owner: string) =>
    `Route '${route}' of endpoint '${wanted}' matches exactly the paths of route '${other}' of endpoint '${owner}', so neither could win: rename the parameter to share one route, or add a static segment to one of them.`,
  endpointBoundTwice: (endpoint: string, backend: string, route: string, first: string, second: string) =>
    `Endpoint '${endpoint}' (route '${route}') is bound twice in backend '${backend}', by ${first === second ? `method '${first}' twice` : `methods '${first}' and '${second}'`}: only the first would ever be called. Give one of them another route (or name), or remove one @Endpoint().`,
  endpointSettingsDiffer: (endpoint: string, a: string, b: string, what: string) =>
    `Endpoint '${endpoint}' is declared by backends '${a}' and '${b}' with different ${what}: make them equal.`,
  backendInUse: (backend: string, endpoints: string[]) =>
    `Backend '${backend}' is still used by endpoint(s) ${list(endpoints)} (traffic or shadows): remove it from them first.`,
  noHandlerMethod: (backend: string, endpoint: string) =>
    `Backend '${backend}' has no method for endpoint '${endpoint}': put @Endpoint() on one of its methods or give it a call(request) method.`,
  unknownMethod: (backend: string, method: string, known: string[]) =>
    `Backend '${backend}' has no method '${method}'; its methods: ${list(known)}.`,
  trafficSum: (endpoint: string, sum: number) =>
    `Traffic of endpoint '${endpoint}' sums to ${sum}; weights must sum to 1.`,
  trafficEmpty: (endpoint: string) =>
    `Traffic of endpoint '${endpoint}' names no backend; give at least one backend a weight.`,
  trafficWeight: (endpoint: string, backend: string, weight: unknown) =>
    `Traffic of endpoint '${endpoint}': weight of backend '${backend}' is ${describeValue(weight)}; expected a finite number >= 0.`,
  shadowProportion: (endpoint: string, backend: string, p: unknown) =>
    `Shadow of endpoint '${endpoint}' to backend '${backend}': proportion is ${describeValue(p)}; expected a number from 0 to 1.`,
  notJson: (subject: string, why: string) => `${subject}: userConfig must be plain JSON (${why}).`,
  modulePathNotFound: (className: string) =>
    `Backend class '${className}': cannot find the module that declares it. Pass @Backend({ modulePath: __filename }) (or the module's absolute path).`,
  notExported: (className: string, file: string) =>
    `Backend class '${className}' is not exported from ${file}: export it so replicas can load it, or set exportName.`,
  noTsLoader: (file: string) =>
    `Backend module ${file} is TypeScript but no TypeScript loader is available in the replica: install @swc-node/register, ts-node or tsx in the app, or compile the backend to JavaScript.`,
  replicaStartFailed: (replica: string, why: string) => `Replica ${replica} failed to start: ${why}`,
  replicaDied: (replica: string, why: string) =>
    `Replica ${replica} stopped while handling the request (${why}); the request was not completed. Retry it: new requests go to the other replicas or a replacement.`,
  backendOverloaded: (backend: string, queued: number) =>
    `Backend '${backend}' is saturated (every replica busy, ${queued} requests queued): retry later, or raise numReplicas / maxQueuedRequests.`,
  noReplicas: (backend: string) =>
    `Backend '${backend}' has no running replica right now and its queue is full: retry later.`,
  requestTimeout: (backend: string, ms: number) =>
    `Backend '${backend}' did not answer within ${ms} ms (requestTimeoutMs): the request was abandoned; raise requestTimeoutMs if it needs longer.`,
  handlerFailed: (backend: string) =>
    `Backend '${backend}' failed to handle the request; see the server log for details.`,
  handlerFailedExposed: (backend: string, message: string) =>
    `Backend '${backend}' failed to handle the request: ${message}`,
  batchLength: (backend: string, method: string, got: unknown, want: number) =>
    `Backend '${backend}': @Batch() method '${method}' returned ${describe(got)} for a batch of ${want}; it must return an array of ${want} results, in order.`,
  batchAbandoned: (backend: string, method: string, size: number) =>
    `Backend '${backend}': @Batch() method '${method}' had not returned when all ${size} callers of its batch had gone (timed out or left): the next batch runs without waiting for it. Make the method settle within requestTimeoutMs.`,
  shutDown: () => 'nestjs-serve is shut down: the app is closing, no new requests are accepted.',
  methodNotAllowed: (method: string, route: string, allowed: string[]) =>
    `Endpoint route '${route}' does not accept ${method}; allowed: ${allowed.join(', ')}.`,
  badShardKey: (len: number, max: number) =>
    `Header X-Serve-Shard-Key is ${len} characters long; at most ${max} are accepted.`,
  badCallMethod: (value: string) =>
    `Header X-Serve-Call-Method '${value}' is not a method name: use letters, digits, _ and $ only.`,
  bodyTooLarge: (limit: number) => `Request body is larger than ${limit} bytes (bodyLimit).`,
  handleOutsideHost: () =>
    'getHandle() found no running ServeModule: call it inside a backend replica, or inject ServeService in the host app.',
  slowStart: (replica: string, ms: number) =>
    `Replica ${replica} did not become ready within ${ms} ms (replicaStartTimeoutMs); it was killed. Raise replicaStartTimeoutMs if loading the model takes longer.`,
  stuckReplica: (replica: string, ms: number) =>
    `Replica ${replica} did not answer a health ping within healthCheckTimeoutMs (${ms} ms); it is being replaced (its requests answer 503). If its synchronous work takes that long, raise healthCheckTimeoutMs.`,
  unknownOption: (subject: string, option: string, known: string[], suggestion?: string) =>
    `${subject}: unknown option '${option}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; known options: ${known.join(', ')}.`,
  bodyNotJson: () => 'Request body is not valid JSON: fix the body or its content-type.',
  notSendable: (what: string, replica: string, why: string) =>
    `${what} cannot be sent to replica ${replica} (${why}): use JSON values, strings or bytes.`,
  requestTooLarge: (replica: string, why: string) =>
    `The request is too large to send to replica ${replica} over NATS (${why}): send a smaller body, or raise max_payload in the NATS server's config.`,
  resultNotSendable: (backend: string) =>
    `Backend '${backend}' returned ${resultMessages.notSendable()}: return JSON values, strings, bytes or a ServeResponse.`,
  unreadableError: () =>
    'The handler threw a value that could not be read (a Proxy or a getter that throws): throw an Error instead.',
  reconfigureFailed: (backend: string, replica: string, why: string) =>
    `Backend '${backend}': reconfigure() failed in replica ${replica}: ${why}. The previous userConfig was restored.`,
  reconfigureTimedOut: (backend: string, replica: string, ms: number) =>
    `Backend '${backend}': reconfigure() in replica ${replica} did not settle within ${ms} ms (replicaStartTimeoutMs), so the update was not applied: the previous userConfig was restored on every replica and ${replica} is replaced by a fresh replica with it. Make reconfigure() resolve or throw, or raise replicaStartTimeoutMs if it needs longer.`,
  reconfigureKilled: (ms: number) =>
    `reconfigure() did not settle within ${ms} ms (replicaStartTimeoutMs); killed, its replacement gets the previous userConfig`,
  placementNeedsCluster: (backend: string, placement: string) =>
    `Backend '${backend}' has placement '${placement}' but ServeModule has no cluster: add cluster: { servers: 'nats://...' } to ServeModule.forRoot(), or use placement 'local'.`,
  remoteNameInvalid: (backend: string) =>
    `Backend '${backend}' cannot run on replica hosts: its name goes into NATS subjects, so use letters, digits, '_' and '-' only.`,
  noRemoteReplica: (backend: string, clusterUp: boolean) =>
    clusterUp
      ? `Backend '${backend}' has no replica: no replica host serving it has joined. Start one: npx nestjs-serve replica --servers <nats-url> --module <file exporting the backend class>.`
      : `Backend '${backend}' has no replica: the app is not connected to the NATS server, so its replica hosts are unreachable. Check that the NATS server runs; the app reconnects by itself.`,
  natsClientMissing: () => "ServeModule's cluster option needs the NATS client: npm install @nats-io/transport-node",
  clusterConnected: (server: string) => `Connected to NATS server ${server}.`,
  clusterUnreachable: (servers: string, why: string) =>
    `Cannot connect to NATS server ${servers.replace(/\/\/[^/@]*@/g, '//***@')} (${why}); retrying every second. Start the NATS server, or fix its address or credentials.`,
  clusterLost: () => 'the connection to the NATS server was lost',
  appClusterDown: () =>
    'Lost the NATS server: remote replicas are dropped (their requests answer 503), local replicas keep serving; reconnecting.',
  agentClusterDown: () =>
    'Lost the NATS server: reconnecting. Apps drop the replicas here meanwhile and start new ones once it is back.',
  clusterMessageFailed: (subject: string, why: string) =>
    `Could not handle a NATS message on ${subject} (${why}); it was ignored. If it could not be read, another program publishes under this prefix, or the other side runs a different nestjs-serve or Node version.`,
  replicaUnreachable: (replica: string, agent: string) =>
    `nothing answers the NATS subject of replica ${replica} on replica host ${agent} (the replica or its host is gone)`,
  siteGone: (backend: string, agent: string) =>
    `Backend '${backend}': replica host ${agent} left while its replicas were starting.`,
  heartbeatRatio: (period: number, timeout: number) =>
    `ServeModule.forRoot() cluster: heartbeatPeriodMs (${period}) must be at most half of heartbeatTimeoutMs (${timeout}), so a replica host gets at least two pings before it is dropped.`,
  agentLeft: (agent: string, why: string) =>
    `Replica host ${agent} left (${why}): its replicas are dropped; their requests in flight answer 503, the others go to the remaining replicas.`,
  agentJoined: (agent: string, backends: string[]) => `Replica host ${agent} joined, serving ${list(backends)}.`,
  agentGone: (agent: string) => `replica host ${agent} is gone: nothing answers its NATS subjects`,
  noResponders: () => 'nothing answers its NATS subjects',
  agentLost: (agent: string, why: string) => `replica host ${agent} is gone: ${why}`,
  agentSilent: (ms: number) => `no heartbeat answer for ${ms} ms (cluster.heartbeatTimeoutMs)`,
  agentDraining: (agent: string) =>
    `Replica host ${agent} is draining (SIGTERM): its replicas finish their requests and stop.`,
  agentRestarted: () => 'it restarted; new replicas start on it',
  remoteReplicaKilled: (agent: string) => `killed by the app (on replica host ${agent})`,
  agentNoSuchBackend: (agent: string, backend: string, className: string, known: string[]) =>
    `Replica host ${agent} cannot run backend '${backend}' (class ${className}): its --module files export ${list(known)}. Add the module that exports it.`,
  agentBadPrefix: (prefix: string) =>
    `Subject prefix '${prefix}' is not usable: use dot-separated tokens of letters, digits, '_' and '-', as the app's cluster.prefix.`,
  agentStartFailed: (agent: string, why: string) => `Replica host ${agent} could not start the replica: ${why}`,
  agentDrainingRefused: (agent: string) => `Replica host ${agent} is draining and starts no replicas.`,
  agentBadId: (id: string) =>
    `Replica host id '${id}' cannot be used in NATS subjects: use letters, digits, '_' and '-' only.`,
  agentNoBackends: (modules: string[], only?: string[]) =>
    `The replica host has no backend to serve: ${list(modules)} export no @Backend() class${only ? ` named ${list(only)}` : ''}. Pass --module files that export @Backend() classes.`,
  agentModuleHasNoBackend: (file: string) =>
    `${file} exports no @Backend() class: export the backend classes from it (compiled JavaScript, or TypeScript with @swc-node/register, ts-node or tsx installed).`,
  agentLeaseExpired: (host: string, count: number, ms: number) =>
    `App ${host} sent no heartbeat for ${ms} ms: stopping its ${count} replica(s) here (it will start new ones when it is back).`,
  agentResultTooLarge: (backend: string, why: string) =>
    `Backend '${backend}' returned a result too large for NATS (${why}): return less, or raise max_payload in the NATS server's config.`,
  autoscaled: (backend: string, from: number, to: number, why: string) =>
    `Backend '${backend}': autoscaling from ${from} to ${to} replicas per site (${why}).`,
  autoscaleFailed: (backend: string, why: string) =>
    `Backend '${backend}': autoscaling could not change the replica count (${why}); it tries again at its next decision. Check the replica's start-up error above.`,
  rolloutSteps: (endpoint: string, steps: unknown) =>
    `rollout('${endpoint}'): steps is ${describe(steps)}; expected increasing shares above 0 ending at 1, e.g. [0.01, 0.1, 0.5, 1].`,
  rolloutRunning: (endpoint: string, backend: string) =>
    `Endpoint '${endpoint}' is being rolled out to backend '${backend}': its traffic cannot change until the rollout ends. Wait for it, or call abortRollout('${endpoint}').`,
  rolloutNoneRunning: (endpoint: string) => `Endpoint '${endpoint}' has no rollout running: there is nothing to abort.`,
  rolloutEndpointGone: (endpoint: string) => `endpoint '${endpoint}' was deleted`,
  rolloutShutdown: () => 'the app is shutting down',
  rolloutGoesOnElsewhere: (endpoint: string, backend: string) =>
    `This app instance closed before the rollout of endpoint '${endpoint}' to backend '${backend}' ended: the rollout goes on on the fleet's other instances. Follow it there with status() (endpoints['${endpoint}'].rollout) and listEndpoints() (its traffic), or stop it with abortRollout('${endpoint}').`,
  rolloutCandidateTrouble: (backend: string, why: string) =>
    `backend '${backend}' is failing to start replicas (${why})`,
  rolloutBackendGone: (backend: string) => `backend '${backend}' was deleted`,
  rolloutStep: (endpoint: string, backend: string, weight: number, verdict: string, why: string) =>
    `Rollout of endpoint '${endpoint}' to backend '${backend}': step ${weight === 0 ? 'shadow' : `${Math.round(weight * 1000) / 10} %`} ${verdict === 'pass' ? 'passed' : 'failed'} (${why}).`,
  rolloutEnded: (endpoint: string, backend: string, result: { outcome: string; reason?: string }) =>
    result.outcome === 'promoted'
      ? `Rollout of endpoint '${endpoint}' to backend '${backend}': promoted, all traffic on '${backend}'.`
      : `Rollout of endpoint '${endpoint}' to backend '${backend}': rolled back to the previous split (${result.reason}).`,
  rolloutAlreadyServing: (endpoint: string, backend: string) =>
    `Endpoint '${endpoint}' already sends all its traffic to backend '${backend}': there is nothing to roll out.`,
  unknownCallMethod: (backend: string, method: string) =>
    `Backend '${backend}' has no method '${method}' (asked for by X-Serve-Call-Method or a handle's method option): name one of its methods; the server log lists them at debug level, and the answer does with the module option exposeErrors.`,
  unknownCallMethodLog: (backend: string, endpoint: string, method: string, known: string[]) =>
    `Endpoint '${endpoint}': a call asked backend '${backend}' for method '${method}', which it does not have (answered 400); its methods: ${list(known)}.`,
  unsupportedCharset: (charset: string, path: string) =>
    `Request body to ${path} declares charset '${charset}', which cannot be decoded: send UTF-8 or another WHATWG encoding (iso-8859-1, windows-1252, utf-16le, shift_jis, ...), or fix the Content-Type's charset.`,
  replicaDiedReplacing: (backend: string, replica: string, site: string, why: string) =>
    `Backend '${backend}': replica ${replica} (host ${site}) died (${why}); starting a replacement.`,
  replicaStartRetrying: (backend: string, site: string, why: string) =>
    `Backend '${backend}': a replica on host ${site} failed to start (${why}); retrying with backoff.`,
  drained: (requests: number, ms: number) =>
    `drained ${requests} request${requests === 1 ? '' : 's'} in ${ms} ms; every replica stopped.`,
  backendInEntryFile: (className: string, file: string) =>
    `Backend class '${className}' is declared in ${file}, the app's entry file: every replica loads the backend's file, so each would start the app again (a second Nest app, 'listen EADDRINUSE'). Move the class to its own file and import it from there.`,
  lossyResult: (backend: string, method: string, problem: string) =>
    `Backend '${backend}': method '${method}' returned ${problem}. Return JSON values (plain objects, arrays, strings, numbers, booleans, null), a string, bytes or a ServeResponse.`,
  badServeResponse: (backend: string, method: string, problem: string) =>
    `Backend '${backend}': method '${method}' returned a ServeResponse with ${problem}.`,
  notAFunction: (site: string, value: unknown) =>
    `${site}: the handler is ${describe(value)}; expected a function (request) => result, e.g. defineBackend((req) => 'hello').`,
  functionBackendNotExported: (site: string, file: string) =>
    `${site} is not exported from ${file}: export it (export const hello = defineBackend(...)) so that replicas can load it, or set its exportName.`,
  functionBackendUnnamed: (site: string, file: string) =>
    `${site}: cannot tell which export of ${file} holds this backend (this process cannot read the module's exports, and its source does not read 'export const hello = defineBackend(...)' there): write it that way, or give it a name (defineBackend(fn, { name: 'hello' })) or pass a named function.`,
};

/** A value as a message shows it: JSON, but NaN, Infinity, 10n, undefined, functions and symbols as such (JSON has null or nothing). */
function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  const raw: string[] = [];
  const mark = `<<describe-${Math.random().toString(36).slice(2)}-`;
  const keep = (_key: string, v: unknown): unknown => {
    const shown = notJson(v);
    return shown === undefined ? v : `${mark}${raw.push(shown) - 1}>>`;
  };
  try {
    const json = JSON.stringify(value, keep) ?? String(value);
    return json.replace(new RegExp(`"${mark}(\\d+)>>"`, 'g'), (_, i: string) => raw[Number(i)]);
  } catch {
    return String(value);
  }
}

/** How `describe` shows a value JSON cannot hold (as {@link describeValue} does), or undefined for one it can. */
function notJson(value: unknown): string | undefined {
  const lost =
    typeof value === 'number'
      ? !Number.isFinite(value)
      : ['bigint', 'function', 'symbol', 'undefined'].includes(typeof value);
  return lost ? describeValue(value) : undefined;
}

function list(names: string[]): string {
  return names.length ? names.map((n) => `'${n}'`).join(', ') : '(none)';
}

// The other groups live in src/messages/, one file each; re-exported here so that imports keep working.
export { signalMessages } from './messages/signal.messages';
export { metricsMessages } from './messages/metrics.messages';
export { deployMessages } from './messages/deploy.messages';
export { observingMessages } from './messages/observing.messages';
export { streamMessages } from './messages/stream.messages';
export { budgetMessages } from './messages/budget.messages';
export { fleetMessages } from './messages/fleet.messages';
export { resultMessages } from './messages/result.messages';
export { modelMessages } from './messages/model.messages';
export { optionMessages } from './messages/option.messages';
export { startMessages } from './messages/start.messages';
