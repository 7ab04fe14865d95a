import type { ServeStatus } from '../interfaces/serve-status.interface';
import type { BackendRecorder } from '../signals/backend.recorder';
import type { ModelFigures } from '../signals/model.figures';
import { ScrapedMetric, type SampleWriter } from './scraped.metric';

/**
 * The metrics of multiplexed backends (`@Multiplexed()`): requests by hit or miss, loads, failed
 * loads, evictions, load time, and models loaded per replica. Labels `backend`, `result` and
 * `replica` only: never model ids, whose number the app does not bound.
 */
export function modelMetrics(
  prefix: string,
  recorders: () => Iterable<BackendRecorder>,
  status: () => ServeStatus,
): ScrapedMetric[] {
  const each = (write: (backend: string, figures: ModelFigures, out: SampleWriter) => void) => (out: SampleWriter) => {
    for (const r of recorders()) if (r.models) write(r.backend, r.models, out);
  };
  const counter = (name: string, help: string, pick: (f: ModelFigures) => number) =>
    new ScrapedMetric(
      `${prefix}${name}`,
      help,
      'counter',
      each((backend, f, out) => out.value({ backend }, pick(f))),
    );
  return [
    new ScrapedMetric(
      `${prefix}model_requests_total`,
      'Requests of a multiplexed backend, by whether their replica held their model already (result: hit, miss).',
      'counter',
      each((backend, f, out) => {
        out.value({ backend, result: 'hit' }, f.hits);
        out.value({ backend, result: 'miss' }, f.misses);
      }),
    ),
    counter(
      'model_loads_total',
      'Models a multiplexed backend loaded (successful load() calls, preloads included).',
      (f) => f.loads,
    ),
    counter('model_load_failures_total', 'Calls of a multiplexed backend’s load() that threw.', (f) => f.loadFailures),
    counter('model_evictions_total', 'Models evicted (used least lately) and unloaded.', (f) => f.evictions),
    new ScrapedMetric(
      `${prefix}model_load_duration_seconds`,
      'Time a multiplexed backend’s load() took, in seconds.',
      'histogram',
      each((backend, f, out) => out.histogram({ backend }, f.loadSeconds)),
    ),
    new ScrapedMetric(
      `${prefix}models_loaded`,
      'Models a replica of a multiplexed backend holds loaded now.',
      'gauge',
      (out) => {
        for (const b of Object.values(status().backends)) {
          if (!b.models) continue;
          for (const r of b.replicas) if (r.models) out.value({ backend: b.name, replica: r.id }, r.models.length);
        }
      },
    ),
  ];
}
