/** Messages of shared replicas: replica hosts running one backend's replicas for every app of a prefix. */
export const sharingMessages = {
  protocolMismatch: (host: string, theirs: number | undefined, ours: number) =>
    `Replica host ${host} speaks cluster protocol ${theirs ?? 1}, this app ${ours}: it is not used. Run the same nestjs-serve version on the app and its replica hosts.`,
  appProtocolMismatch: (host: string, theirs: number | undefined, ours: number) =>
    `Replica host ${host} speaks cluster protocol ${ours}, the app asking for a replica ${theirs ?? 1}: refused. Run the same nestjs-serve version on the app and its replica hosts.`,
  refused: (replica: string, host: string, limit: number) =>
    `replica ${replica} on replica host ${host} is full (maxConcurrentQueries ${limit}, shared with other instances of the app): the call did not run and is sent to another replica or queued`,
  unclaimed: (replica: string, backend: string) =>
    `Shared replica ${replica} of backend '${backend}': no app instance uses it any more; stopping it.`,
  shared: (replica: string, backend: string, apps: number) =>
    `Backend '${backend}': an app instance joined shared replica ${replica} (${apps} instance(s) use it).`,
};
