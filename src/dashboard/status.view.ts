import type { ServeStatus } from '../interfaces/serve-status.interface';

/**
 * Renders the body of the status page from a {@link ServeStatus}: endpoints with their traffic split,
 * backends with state, figures, replicas and recent events, and the fleet's instances when clustered. Every value from the status is escaped.
 *
 * It is one self-contained function on purpose: the page's script runs this same function's
 * source (`renderStatusView.toString()`) on each refresh, so the server and the browser render
 * alike. So it uses nothing from outside its own body, and no syntax a current browser lacks.
 */
export function renderStatusView(status: ServeStatus): string {
  const esc = (value: unknown): string =>
    String(value).replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
    );
  const num = (n: number, digits = 1): string =>
    n >= 100 ? String(Math.round(n)) : n >= 10 ? n.toFixed(Math.min(digits, 1)) : n.toFixed(digits);
  const ms = (v: number | null): string =>
    v === null ? '–' : v >= 1000 ? `${num(v / 1000, 2)} s` : v >= 10 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`;
  const pct = (share: number): string => {
    const p = share * 100;
    return p === 0 ? '0%' : p < 0.1 ? '<0.1%' : p < 10 && p % 1 !== 0 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
  };
  const bytes = (b: number): string =>
    b >= 1024 ** 3
      ? `${num(b / 1024 ** 3, 2)} GiB`
      : b >= 1024 ** 2
        ? `${num(b / 1024 ** 2, 0)} MiB`
        : `${num(b / 1024, 0)} KiB`;
  const ago = (at: number): string => {
    const s = Math.max(0, Math.round((status.at - at) / 1000));
    if (s < 60) return `${s}s ago`;
    if (s < 3600) return `${Math.floor(s / 60)}m ago`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
    return `${Math.floor(s / 86400)}d ago`;
  };
  const clock = (at: number): string => new Date(at).toISOString().slice(11, 19);
  const names = Object.keys(status.backends).sort();
  const colour = (backend: string): number => {
    const i = names.indexOf(backend);
    return (i < 0 ? names.length : i) % 8;
  };
  const stat = (label: string, value: string, field: string, warn = false): string =>
    `<div class="stat${warn ? ' warn' : ''}"><span class="label">${esc(label)}</span><span class="value" data-field="${field}">${esc(value)}</span></div>`;

  const endpoints = Object.values(status.endpoints)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => {
      const split = Object.entries(e.traffic).sort((a, b) => b[1] - a[1]);
      const bar = split
        .filter(([, w]) => w > 0)
        .map(
          ([b, w]) =>
            `<span class="seg c${colour(b)}" style="width:${Math.max(w * 100, 0.5).toFixed(2)}%" title="${esc(b)} ${pct(w)}"></span>`,
        )
        .join('');
      const legend = split
        .map(
          ([b, w]) =>
            `<li data-backend="${esc(b)}"><span class="dot c${colour(b)}"></span><span class="name">${esc(b)}</span><span class="share" data-field="weight">${pct(w)}</span></li>`,
        )
        .join('');
      const shadows = Object.entries(e.shadows)
        .filter(([, p]) => p > 0)
        .map(
          ([b, p]) =>
            `<li data-shadow="${esc(b)}"><span class="dot hollow c${colour(b)}"></span><span class="name">${esc(b)}</span><span class="share" data-field="shadow">copies ${pct(p)}</span></li>`,
        )
        .join('');
      const r = e.rollout;
      const rollout = r
        ? `<p class="progress" data-field="rollout"><strong>Rollout to ${esc(r.backend)}</strong> step ${r.step < 0 ? 'shadow' : `${r.step + 1} of ${r.steps.length}`} · ${pct(r.weight)} · ${esc(r.lastCheck ?? 'gathering figures')}</p>`
        : '';
      return `<article class="card endpoint" data-endpoint="${esc(e.name)}">
  <header><h3>${esc(e.name)}</h3><code class="route">${esc(e.route)}</code>${e.methods.map((m) => `<span class="method">${esc(m)}</span>`).join('')}</header>
  <div class="bar" role="img" aria-label="traffic split">${bar}</div>
  <ul class="legend">${legend}</ul>
  ${shadows ? `<div class="sub">Shadows</div><ul class="legend shadows">${shadows}</ul>` : ''}
  ${rollout}
  <div class="stats">${stat('req/s', num(e.figures.requestsPerSecond), 'rps')}${stat('p50', ms(e.figures.p50Ms), 'p50')}${stat('p99', ms(e.figures.p99Ms), 'p99')}${stat('errors', pct(e.figures.errorRate), 'errors', e.figures.errorRate > 0.01)}${e.figures.cancelled ? stat('cancelled', String(e.figures.cancelled), 'cancelled') : ''}</div>
</article>`;
    })
    .join('');

  const backends = names
    .map((name) => {
      const b = status.backends[name];
      const f = b.figures;
      const ready = b.replicas.filter((r) => r.state === 'READY').length;
      const a = b.autoscaling;
      const m = b.models;
      const replicas = b.replicas
        .map((r) => {
          const v = r.vitals;
          const elu = v ? Math.round(v.eventLoopUtilization * 100) : null;
          return `<tr data-replica="${esc(r.id)}">
  <td class="id">${esc(r.id)}${r.models ? `<div class="since" data-field="replica-models">${esc(r.models.join(', ') || 'no model')}</div>` : ''}</td><td class="st"><span class="rstate ${esc(r.state)}" data-field="replica-state">${esc(r.state)}</span></td>
  <td data-label="site">${esc(r.site)}</td><td data-label="kind">${esc(r.kind)}</td><td class="n" data-label="in flight">${esc(r.inFlight)}</td><td class="n" data-label="served">${esc(r.served)}</td>
  <td class="n" data-label="heap">${v ? esc(bytes(v.heapUsedBytes)) : '–'}</td><td class="n" data-label="rss">${v ? esc(bytes(v.rssBytes)) : '–'}</td>
  <td class="elu" data-label="loop">${elu === null ? '–' : `<span class="meter"><span style="width:${elu}%"></span></span>${elu}%`}</td></tr>`;
        })
        .join('');
      const events = b.events
        .slice(-8)
        .reverse()
        .map(
          (ev) =>
            `<li class="ev ${esc(ev.type)}" data-event="${esc(ev.type)}"><time title="${esc(new Date(ev.at).toISOString())}">${esc(clock(ev.at))}</time><span>${esc(ev.message)}</span></li>`,
        )
        .join('');
      return `<article class="card backend" data-backend="${esc(name)}">
  <header><span class="swatch c${colour(name)}"></span><h3>${esc(name)}</h3><span class="state ${esc(b.state)}" data-field="state">${esc(b.state.replace('_', ' '))}</span><span class="since">${esc(ago(b.since))}</span></header>
  <p class="reason">${esc(b.reason)}</p>
  <div class="stats">${stat('req/s', num(f.requestsPerSecond), 'rps')}${stat('p50', ms(f.p50Ms), 'p50')}${stat('p99', ms(f.p99Ms), 'p99')}${stat('errors', pct(f.errorRate), 'errors', f.errorRate > 0.01)}${f.cancelled ? stat('cancelled', String(f.cancelled), 'cancelled') : ''}${stat('queued', String(f.queued), 'queued', f.queued > 0)}${stat('in flight', String(f.inFlight), 'inflight')}${stat('replicas', `${ready}/${b.targetReplicas}`, 'replicas', ready < b.targetReplicas)}${stat('restarts', String(f.restarts), 'restarts', f.restarts > 0)}</div>
 ${a ? `<p class="progress" data-field="autoscaling"><strong>Autoscaling</strong> ${esc(a.minReplicas)}–${esc(a.maxReplicas)} replicas, target ${esc(a.targetOngoingRequests)} ongoing each${a.lastDecision ? ` · last: to ${esc(a.lastDecision.target)} ${esc(ago(a.lastDecision.at))}${a.lastDecision.decidedBy ? ` by ${esc(a.lastDecision.decidedBy)}` : ''}` : ''}</p>` : ''}
  ${m ? `<p class="progress" data-field="models"><strong>Models</strong> ${esc(m.modelsPerReplica)}/${esc(m.maxModelsPerReplica)} per replica · hits ${m.hitRate === null ? '–' : pct(m.hitRate)} · loads ${esc(m.loads)}${m.loadFailures ? ` (${esc(m.loadFailures)} failed)` : ''} · evictions ${esc(m.evictions)} · load ${ms(m.loadLatency.meanMs)} mean, ${ms(m.loadLatency.p99Ms)} p99</p>` : ''}
  ${f.lastError ? `<p class="lasterror" data-field="last-error"><strong>Last error</strong> ${esc(ago(f.lastError.at))}: ${esc(f.lastError.message)}</p>` : ''}
  <div class="scroll"><table class="replicas"><thead><tr><th>replica</th><th>state</th><th>site</th><th>kind</th><th class="n">in flight</th><th class="n">served</th><th class="n">heap</th><th class="n">rss</th><th>loop</th></tr></thead><tbody>${replicas || '<tr><td colspan="9" class="none">no replica</td></tr>'}</tbody></table></div>
  ${events ? `<div class="sub">Recent events</div><ol class="events">${events}</ol>` : ''}
</article>`;
    })
    .join('');

  const fl = status.fleet;
  const fleet = fl
    ? `
<section data-field="fleet"><h2>Fleet</h2><p class="reason">${fl.mode === 'shared' ? `Shared desired state; this instance applied revision ${esc(fl.revision)}.${fl.decider ? ` Decider (runs the fleet's rollouts): <span data-field="decider">${esc(fl.decider)}</span>.` : ''}` : `This instance keeps its own state: ${esc(fl.reason ?? '')}`}</p>
<div class="scroll"><table class="instances"><thead><tr><th>instance</th><th>id</th><th class="n">revision</th><th class="n">requests (failed) · in flight · queued</th><th>last seen</th><th>started</th><th>error</th></tr></thead><tbody>${
        fl.instances
          .map(
            (i) =>
              `<tr data-instance="${esc(i.id)}"${i.live ? '' : ' class="gone"'}><td>${esc(i.name)}${i.self ? ' (this one)' : ''}</td><td class="id">${esc(i.id)}</td><td class="n" data-field="instance-revision">${esc(i.revision)}</td><td class="n" data-field="instance-figures">${i.figures ? `${esc(i.figures.requests)} (${esc(i.figures.failed)}) · ${esc(i.figures.inFlight)} · ${esc(i.figures.queued)}` : ''}</td><td>${esc(ago(i.lastSeen))}</td><td>${esc(ago(i.startedAt))}</td><td>${i.error ? esc(i.error) : ''}</td></tr>`,
          )
          .join('') || '<tr><td colspan="7" class="none">no instance heard of yet</td></tr>'
      }</tbody></table></div></section>`
    : '';
  return `<div class="top"><h1>nestjs-serve</h1><span class="counts">${names.length} backend${names.length === 1 ? '' : 's'} · ${Object.keys(status.endpoints).length} endpoint${Object.keys(status.endpoints).length === 1 ? '' : 's'}</span><span class="updated"><i class="pulse"></i><span data-field="updated">as of ${esc(clock(status.at))} UTC</span><span class="live-note" data-field="live"></span></span></div>
${status.shuttingDown ? '<div class="banner">Shutting down: draining in-flight requests, accepting no new ones.</div>' : ''}
<section><h2>Endpoints</h2><div class="grid">${endpoints || '<p class="none">No endpoint.</p>'}</div></section>
<section><h2>Backends</h2><div class="grid wide">${backends || '<p class="none">No backend.</p>'}</div></section>${fleet}`;
}
