/** A command line that cannot run: the CLI prints the message with the usage and exits with 2. */
export class UsageError extends Error {}
