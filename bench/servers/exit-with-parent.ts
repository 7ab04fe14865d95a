/**
 * Preloaded (`node -r`) into helper processes the orchestrator forks from other code (the
 * `nestjs-serve replica` command): they exit when the orchestrator goes away (its IPC channel
 * closes), as the servers do, so none outlives the benchmark even if it is killed.
 */
process.on('disconnect', () => process.exit(0));
