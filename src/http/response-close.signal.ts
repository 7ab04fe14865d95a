import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import type { CallerSignal } from '../interfaces/caller-signal.interface';

/** The signals of the requests answered on one connection now (usually one). */
const ON_SOCKET = Symbol('nestjs-serve.responseCloseSignals');

type WatchedSocket = Socket & { [ON_SOCKET]?: Set<ResponseCloseSignal> };

/**
 * Aborts when the client goes away before its response was sent in full. One per request.
 * It follows the connection, not the response: one `close` listener per socket for all the
 * requests a keep-alive connection carries (adding and removing a listener on every response
 * was a measurable part of an endpoint's main-thread cost), and a set entry per request.
 * Without a socket (neither the response nor its request has one), it follows the response's own `close`.
 * `dispose()` once the request is answered.
 */
export class ResponseCloseSignal implements CallerSignal {
  aborted = false;
  private listeners: (() => void)[] = [];
  private readonly socket: WatchedSocket | null;
  /** The response's `close` listener, only when there is no socket to follow. */
  private closedResponse?: () => void;

  constructor(private readonly response: ServerResponse) {
    // A response queued behind another on a pipelined connection has no socket yet: its request does.
    const socket = (this.socket = (response.socket ?? response.req?.socket ?? null) as WatchedSocket | null);
    if (!socket) {
      this.closedResponse = () => this.abort();
      response.on('close', this.closedResponse);
      return;
    }
    if (socket.destroyed) {
      this.aborted = true;
      return;
    }
    let signals = socket[ON_SOCKET];
    if (!signals) {
      const watched = (signals = socket[ON_SOCKET] = new Set());
      socket.once('close', () => {
        for (const signal of [...watched]) signal.abort();
        watched.clear();
      });
    }
    signals.add(this);
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners.indexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
  }

  /** Stops following the connection. */
  dispose(): void {
    if (this.socket) this.socket[ON_SOCKET]?.delete(this);
    else this.response.off('close', this.closedResponse!);
    this.listeners = [];
  }

  private abort(): void {
    if (this.response.writableFinished) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}
