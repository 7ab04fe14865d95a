/** Messages about the fleet's JetStream store, for the app and the `nestjs-serve` CLI. */
export const fleetStoreMessages = {
  fleetPrefixTooLong: (prefix: string, max: number, streamMax: number) =>
    `Prefix '${prefix.length > 20 ? `${prefix.slice(0, 20)}…` : prefix}' (${prefix.length} characters; cluster.prefix, or the CLI's --prefix) is too long for the fleet's JetStream buckets, whose stream names NATS limits to ${streamMax} characters: use a prefix of at most ${max} characters.`,
  fleetStateTooLarge: (bytes: number, maxPayload: number | undefined) =>
    `The fleet's desired state would be ${bytes} bytes of JSON, more than the NATS server's max_payload (${maxPayload ?? 'unknown'} bytes), so it was not written. Make it smaller (keep a large userConfig in a file or an object store the backend reads, and only its path or key in userConfig), or raise max_payload in nats-server's config.`,
  fleetBucketFailed: (bucket: string, why: string) =>
    `Cannot create the fleet's JetStream bucket '${bucket}' (${why}): check the NATS server's JetStream limits and the account's permissions, or change the prefix.`,
  cliNoJetStream: (command: string, server: string) =>
    `nestjs-serve ${command}: the NATS server ${server} offers no JetStream, where the fleet's desired state lives, so there is nothing to read or write. Start nats-server with JetStream (nats-server -js -sd <store dir>; the app instances need it too to share one state), or point --servers at the server the apps use.`,
  cliKvClientMissing: (command: string) =>
    `nestjs-serve ${command} needs the package '@nats-io/kv' to read the fleet's state: npm install @nats-io/kv (same version as @nats-io/transport-node).`,
  cliFailed: (command: string, why: string) =>
    `nestjs-serve ${command} stopped: ${why}. Check the NATS server${command === 'apply' ? ", run 'nestjs-serve status' to see whether the change was written," : ''} and retry.`,
};
