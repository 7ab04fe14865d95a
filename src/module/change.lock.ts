import { Injectable } from '@nestjs/common';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { ServeOrchestrator } from './serve.orchestrator';
import { ServeRegistry } from './serve.registry';

/**
 * Runs changes one at a time, in call order: `ServeService` calls and changes from the fleet
 * (another instance's writes) alike, so a check never sees a table half-way through a change.
 * A change that takes the local replicas' CPU budgets past the machine's cores is warned about.
 */
@Injectable()
export class ChangeLock {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly registry: ServeRegistry,
    private readonly orchestrator: ServeOrchestrator,
  ) {}

  /** Runs `change` after every change queued before it; refused once the app is shutting down. */
  run<T>(change: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => {
      if (this.registry.closed) throw new ServeError('SHUT_DOWN', messages.shutDown());
      return this.orchestrator.watchCpus(change);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
