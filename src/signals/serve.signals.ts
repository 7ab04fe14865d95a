import { BackendRecorder } from './backend.recorder';
import { EventLog } from './event.log';
import { RollingWindow, type Clock, type WindowFigures } from './rolling.window';

/** Requests, errors and p99 of one backend on one endpoint over a stretch of time (a rollout step). */
export interface LiveStepFigures {
  /** Requests answered in the stretch (those whose caller went away first are neither errors nor successes: left out). */
  requests: number;
  /** Of those, the errors (status ≥ 500, timeouts, overload, replica died). */
  errors: number;
  /** 99th percentile total latency in ms; `undefined` without requests. */
  p99Ms: number | undefined;
}

/** Settings of {@link ServeSignals}. */
export interface ServeSignalsOptions {
  /** Length of the rolling windows, in seconds. Default 10. */
  windowSeconds?: number;
  /** Events kept in all. Default 500. */
  eventCapacity?: number;
  /** Milliseconds now. Default `Date.now`. */
  clock?: Clock;
}

/**
 * The one signal pipeline of an app: a {@link BackendRecorder} per backend and the {@link EventLog}.
 * The router, the replica pool, the status, the metrics exporter, the autoscaler and the rollout
 * judge all read and write this one object.
 */
export class ServeSignals {
  /** The app's events. */
  readonly events: EventLog;
  /** Length of the rolling windows, in seconds. */
  readonly windowSeconds: number;
  /** Milliseconds now. */
  readonly clock: Clock;
  private readonly recorders = new Map<string, BackendRecorder>();

  /** @param options window length, event capacity, clock. */
  constructor(options: ServeSignalsOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 10;
    this.clock = options.clock ?? Date.now;
    this.events = new EventLog(options.eventCapacity ?? 500, this.clock);
  }

  /** The recorder of `backend`, created on first use (hold on to it: the router calls it per request). */
  backend(backend: string): BackendRecorder {
    let recorder = this.recorders.get(backend);
    if (recorder === undefined) {
      recorder = new BackendRecorder(backend, this.windowSeconds, this.clock);
      this.recorders.set(backend, recorder);
    }
    return recorder;
  }

  /** Every backend's recorder. */
  backends(): Iterable<BackendRecorder> {
    return this.recorders.values();
  }

  /** Forgets a deleted backend: its recorder and its events. */
  delete(backend: string): void {
    this.recorders.delete(backend);
    this.events.forget(backend);
  }

  /**
   * Live figures of what `backend` did for `endpoint` over the last `lastMs` ms (whole seconds,
   * at most the window), real and shadow traffic together: the shape of the rollout judge's
   * `StepFigures`, so a guarded rollout judges a candidate on the same data the page shows.
   */
  stepFigures(backend: string, endpoint: string, lastMs: number): LiveStepFigures {
    const recorder = this.recorders.get(backend);
    const seconds = Math.min(this.windowSeconds, Math.max(1, Math.ceil(lastMs / 1000)));
    const windows: RollingWindow[] = [];
    if (recorder) {
      for (const series of [...recorder.endpoints(), ...recorder.shadowEndpoints()]) {
        if (series.endpoint === endpoint) windows.push(series.window);
      }
    }
    const figures = RollingWindow.combine(windows, seconds, this.clock);
    return { requests: figures.requests, errors: figures.errors, p99Ms: figures.p99Ms ?? undefined };
  }

  /** Live figures of `endpoint`'s real traffic, all backends together. */
  endpointFigures(endpoint: string): WindowFigures {
    const windows: RollingWindow[] = [];
    for (const recorder of this.recorders.values()) {
      for (const series of recorder.endpoints()) if (series.endpoint === endpoint) windows.push(series.window);
    }
    return RollingWindow.combine(windows, this.windowSeconds, this.clock);
  }
}
