import { heldOnly, type ModelReport } from '../router/model.report';

/**
 * Who hears a standalone report of a shared replica, and what: every claim gets its `held` list
 * (so each app learns of loads and unloads at once), its counts go to one claim only (so a fleet
 * summing its instances' figures counts them once): of the claims not stopping, the one owning the
 * oldest call running there (likely the app whose request made the load), else the first; if all
 * are stopping, the first. `busy`: the owners of the calls running, oldest first (others skipped).
 */
export function splitModelReport<C extends { readonly stopping: boolean }>(
  report: ModelReport,
  claims: readonly C[],
  busy: Iterable<C>,
): Map<C, ModelReport> {
  const whole = [...busy, ...claims].find((c) => !c.stopping && claims.includes(c)) ?? claims[0];
  return new Map(claims.map((c) => [c, c === whole ? report : heldOnly(report.held)]));
}
