import type { ServerResponse } from 'node:http';
import type { CallerSignal } from '../interfaces/caller-signal.interface';

/**
 * Aborts when the response closes before it was sent in full (the client went away). One per
 * request, with one listener on the response; `dispose()` once the request is answered.
 */
export class ResponseCloseSignal implements CallerSignal {
  aborted = false;
  private listeners: (() => void)[] = [];

  // Bound, not an arrow function: see BackendRouter.send on closures kept by per-request objects.
  private readonly closed = this.onClose.bind(this);

  constructor(private readonly response: ServerResponse) {
    // `on`, not `once`: `once` wraps the listener in two more objects per request; `dispose` removes it
    response.on('close', this.closed);
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners.indexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
  }

  /** Stops following the response. */
  dispose(): void {
    this.response.off('close', this.closed);
    this.listeners = [];
  }

  private onClose(): void {
    if (this.response.writableFinished) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}
