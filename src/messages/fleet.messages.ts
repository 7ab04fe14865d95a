/** Messages of the fleet: instances of one app sharing their desired state in NATS JetStream. */
export const fleetMessages = {
  conflict: (what: string, entity: string, current: number, base: number) =>
    `${what} conflicts with a change another instance made to ${entity}: the fleet's desired state is at revision ${current}, this call was checked against revision ${base}. Nothing was changed; read the current state (listEndpoints(), listBackends()) and call again if it still applies.`,
  tooManyRetries: (what: string, attempts: number) =>
    `${what}: other instances changed the fleet's desired state ${attempts} times while this call tried to write it; nothing was changed. Call again.`,
  lagging: (what: string, revision: number, lagging: string[], timeoutMs: number) =>
    `${what} was written at revision ${revision}, but instance(s) ${lagging.join(', ')} had not applied it after ${timeoutMs} ms. The change is kept and they apply it when they catch up; check their logs (cluster.fleet.applyTimeoutMs sets the wait).`,
  failedOn: (what: string, revision: number, failures: string[]) =>
    `${what} was written at revision ${revision}, but ${failures.join('; ')}. The change is kept; fix the cause on that instance (its log says more) or undo the change.`,
  applyFailed: (instance: string, revision: number, step: string, why: string) =>
    `Instance ${instance} could not apply ${step} of the fleet's desired state at revision ${revision}: ${why}`,
  storeTooLarge: (what: string, why: string) =>
    `${what}: the fleet's desired state would be larger than the NATS server accepts in one message (${why}). Nothing was changed. Keep large values out of userConfig (load them in the replica from a file or URL it names), or raise max_payload in nats-server's configuration.`,
  storeUnreachable: (what: string, why: string) =>
    `${what}: the fleet's desired state could not be written: NATS did not answer (${why}). The change may not have been written; check the NATS server (cluster.servers), then read status().fleet.revision and listEndpoints() / listBackends() and call again if it is not in effect.`,
  undone: (what: string, why: string) =>
    `${what} failed on this instance and was taken back out of the fleet's desired state: ${why}`,
  noJetStream: (server: string) =>
    `The NATS server ${server} offers no JetStream, so this instance keeps its own desired state (backends, endpoints, traffic in memory, as without cluster). To share one state across every instance of the app, start nats-server with JetStream: nats-server -js -sd <store dir>.`,
  kvClientMissing: () =>
    `cluster is set and the NATS server offers JetStream, but '@nats-io/kv' is not installed, so this instance keeps its own desired state. Run: npm install @nats-io/kv (same version as @nats-io/transport-node), or set cluster.fleet: false.`,
  startedWithoutNats: (ms: number) =>
    `NATS was not reachable within ${ms} ms of start-up: this instance serves the state declared in forRoot() and applies the fleet's desired state as soon as it connects.`,
  joined: (instance: string, revision: number, bucket: string) =>
    `Instance ${instance} applied the fleet's desired state at revision ${revision} (JetStream key-value bucket '${bucket}').`,
  storeUnavailable: (why: string) =>
    `The fleet's desired state could not be read or written (${why}); this instance retries. Check that the NATS server runs with JetStream (nats-server -js -sd <store dir>).`,
  codeMismatch: (instance: string, backend: string, file: string, stored: string, found: string) =>
    `Backend '${backend}' runs code version ${stored} of ${file} in the fleet, but instance ${instance} has ${found}: it does not run '${backend}', so that every replica runs the same code. Deploy the change as a new backend (createBackend('${backend}-v2', TheClass)) and move traffic to it, or run this instance with the same file.`,
  classNotFound: (instance: string, backend: string, file: string, exportName: string, why: string) =>
    `Instance ${instance} cannot load backend '${backend}' (export '${exportName}' of ${file}) that another instance created: ${why}. Run every instance from the same build, at the same path.`,
  initArgsNotJson: (backend: string, why: string) =>
    `Backend '${backend}': with a fleet (cluster with JetStream) its initArgs are stored as JSON for the other instances, but ${why}. Pass JSON values (strings, numbers, plain objects, arrays).`,
  declaredDiffers: (backend: string, revision: number) =>
    `Backend '${backend}': the fleet's desired state (revision ${revision}) differs from this instance's forRoot() declaration; the stored state wins (changes made at run time are never lost). Change it with updateBackendConfig().`,
  storeReset: (applied: number, found: number) =>
    `The fleet's desired state is at revision ${found}, behind the revision ${applied} this instance applied: the JetStream store was reset. This instance keeps what it applied; write a change to set the fleet's state again.`,
  deciderNow: (instance: string) =>
    `Instance ${instance} is now the fleet's decider: it runs the guarded rollouts of the fleet (and carries on those another instance began) and decides the replica counts of its autoscaled backends.`,
  deciderNoMore: (instance: string) =>
    `Instance ${instance} is no longer the fleet's decider (its lease lapsed or it is closing): another instance carries its rollouts on from their current step and takes over autoscaling.`,
  rolloutResumed: (endpoint: string, backend: string, step: number, instance: string) =>
    `Rollout of endpoint '${endpoint}' to backend '${backend}' carried on by instance ${instance} from ${step < 0 ? 'its shadow phase' : `step ${step + 1}`} (its step starts again, with the steps judged before kept).`,
  rolloutWriteFailed: (endpoint: string, why: string) =>
    `Rollout of endpoint '${endpoint}': its next step could not be written to the fleet's desired state (${why}); the decider tries again from that step.`,
  rolloutGone: (endpoint: string) =>
    `the rollout of endpoint '${endpoint}' was ended or replaced in the fleet's desired state meanwhile`,
  autoscaled: (backend: string, instance: string, from: number, to: number, load: string, why: string) =>
    `Backend '${backend}': instance ${instance}, the fleet's decider, scales it from ${from} to ${to} replicas per site on every instance, from the fleet's load (${load}; ${why}).`,
  scaledFromZero: (backend: string, instance: string) =>
    `Backend '${backend}': a request waits at instance ${instance} while the backend runs no replica; the instance sets its numReplicas to 1 in the fleet's desired state, so every instance starts one.`,
  autoscaleStale: (backend: string, assumed: number, found: number | undefined) =>
    `Backend '${backend}': its numReplicas in the fleet's desired state is ${found ?? 'gone (backend deleted or autoscaling turned off)'}, not ${assumed} as the autoscaling decision assumed; the decision is dropped and the next one starts from the current count.`,
  autoscaleWriteFailed: (backend: string, instance: string, why: string) =>
    `Backend '${backend}': instance ${instance} could not make its autoscaling move (${why}): either the write failed (nothing written) or its own replicas did not follow the count written (the other instances apply it). The next decision starts from fresh figures. Check the replica's start-up error above, or the instance's NATS connection if this repeats.`,
  rolloutLeft: (endpoint: string) =>
    `This instance closed while the rollout of endpoint '${endpoint}' ran: it goes on in the fleet (status() on another instance shows it).`,
};
