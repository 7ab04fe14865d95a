import type { ServeStatus } from '../interfaces/serve-status.interface';
import { renderStatusView } from './status.view';

/** Settings of {@link renderDashboardPage}. */
export interface DashboardPageOptions {
  /** Absolute URL path of the status JSON the page refreshes from, e.g. `/serve/status.json`. */
  statusUrl: string;
  /** How often to refresh, in ms (1000–2000 reads well). Default 1500. */
  refreshMs?: number;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--ink:#1c2330;--mute:#667085;--line:#e3e6eb;--soft:#eef0f3;
--ok:#12805c;--okb:#dcf5ea;--info:#1d5fd1;--infob:#e0eafc;--scale:#6b3fd1;--scaleb:#ece5fb;--warn:#b54708;--warnb:#fdebd8;--bad:#c01c28;--badb:#fbe1e3;
--c0:#2f6fed;--c1:#e8590c;--c2:#12a37f;--c3:#c2255c;--c4:#7048e8;--c5:#d9a400;--c6:#0b8aa8;--c7:#6b7280}
@media (prefers-color-scheme:dark){:root{--bg:#0f1319;--card:#171c24;--ink:#e6e9ef;--mute:#98a2b3;--line:#29303b;--soft:#202632;
--okb:#113a2c;--ok:#4cd29d;--infob:#15284a;--info:#7aa7ff;--scaleb:#261b45;--scale:#b39bff;--warnb:#41270f;--warn:#ffb26b;--badb:#471419;--bad:#ff7b84}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1600px;margin:0 auto;padding:16px clamp(10px,2.5vw,28px) 40px}
.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 14px;margin-bottom:6px}.top h1{font-size:20px;margin:0}
.counts,.updated,.since{color:var(--mute);font-size:13px}.updated{margin-left:auto}
.updated{display:inline-flex;align-items:center;gap:6px}.pulse{width:8px;height:8px;border-radius:50%;background:var(--ok);flex:none}
.stale .pulse{background:var(--warn)}.live-note{color:var(--warn);font-weight:600}
h2{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--mute);margin:22px 0 10px}
.grid{display:grid;gap:14px;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr))}.grid.wide{grid-template-columns:repeat(auto-fill,minmax(min(100%,720px),1fr))}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;min-width:0}
.card header{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px}.card h3{margin:0;font-size:16px;overflow-wrap:anywhere}
.route{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 6px;border-radius:5px;overflow-wrap:anywhere}
.method{font-size:11px;font-weight:600;color:var(--info);background:var(--infob);padding:1px 6px;border-radius:4px}
.bar{display:flex;height:14px;border-radius:7px;overflow:hidden;background:var(--soft);margin:12px 0 8px;gap:2px}.seg{display:block;height:100%}
.legend{list-style:none;margin:0;padding:0;display:grid;gap:3px}.legend li{display:flex;align-items:center;gap:8px}.legend .name{overflow-wrap:anywhere}
.legend .share{margin-left:auto;font-variant-numeric:tabular-nums;font-weight:600}.shadows .share{font-weight:400;color:var(--mute)}
.dot,.swatch{width:10px;height:10px;border-radius:3px;flex:none;background:currentColor}.dot.hollow{background:none;border:2px dashed currentColor}
.c0{color:var(--c0)}.c1{color:var(--c1)}.c2{color:var(--c2)}.c3{color:var(--c3)}.c4{color:var(--c4)}.c5{color:var(--c5)}.c6{color:var(--c6)}.c7{color:var(--c7)}.seg{background:currentColor}
.sub{font-size:12px;color:var(--mute);margin:12px 0 4px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(84px,1fr));gap:8px;margin-top:12px}
.endpoint .stats{grid-template-columns:repeat(4,minmax(0,1fr))}
.stat{background:var(--soft);border-radius:7px;padding:6px 8px;min-width:0}.stat .label{display:block;font-size:11px;color:var(--mute)}
.stat .value{display:block;font-size:16px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}.stat.warn .value{color:var(--warn)}
.state,.rstate{font-size:11px;font-weight:700;letter-spacing:.03em;padding:2px 8px;border-radius:99px;white-space:nowrap}
.HEALTHY,.READY{color:var(--ok);background:var(--okb)}.UPDATING,.STARTING{color:var(--info);background:var(--infob)}
.UPSCALING,.DOWNSCALING,.STOPPING{color:var(--scale);background:var(--scaleb)}.UNHEALTHY{color:var(--warn);background:var(--warnb)}.DEPLOY_FAILED{color:var(--bad);background:var(--badb)}
.reason{margin:8px 0 0;color:var(--mute);font-size:13px;overflow-wrap:anywhere}
.progress{margin:10px 0 0;padding:7px 10px;border-radius:7px;background:var(--scaleb);color:var(--ink);font-size:13px;overflow-wrap:anywhere}.progress strong{color:var(--scale)}
.lasterror{margin:10px 0 0;padding:7px 10px;border-radius:7px;background:var(--badb);color:var(--ink);font-size:13px;overflow-wrap:anywhere}.lasterror strong{color:var(--bad)}
.scroll{overflow-x:auto;margin-top:12px}table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
th{font-size:11px;font-weight:600;color:var(--mute);text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
td{padding:5px 8px;border-bottom:1px solid var(--line);white-space:nowrap}td.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}.n{text-align:right}
.meter{display:inline-block;width:44px;height:6px;border-radius:3px;background:var(--soft);margin-right:6px;vertical-align:middle;overflow:hidden}.meter span{display:block;height:100%;background:var(--info)}
.events{list-style:none;margin:0;padding:0;font-size:13px}.events li{display:flex;gap:10px;padding:3px 0;border-top:1px dashed var(--line)}
.events time{color:var(--mute);font-variant-numeric:tabular-nums;flex:none}.events span{overflow-wrap:anywhere}
.ev.replica-died span,.ev.replica-start-failed span{color:var(--bad)}.none{color:var(--mute)}tr.gone{opacity:.5}
.banner{background:var(--warnb);color:var(--warn);padding:8px 12px;border-radius:8px;font-weight:600;margin:8px 0}
@media (max-width:560px){body{font-size:13px}.card{padding:12px}.stats{grid-template-columns:repeat(4,1fr);gap:6px}.stat .value{font-size:15px}.updated{margin-left:0;width:100%}
table.replicas thead{display:none}table.replicas tr{display:flex;flex-wrap:wrap;gap:2px 12px;padding:7px 0;border-bottom:1px solid var(--line)}
table.replicas td{border:0;padding:0}table.replicas td.id{flex:1 1 auto}table.replicas td.st{flex:none}
table.replicas td[data-label]{font-size:12px;color:var(--mute)}table.replicas td[data-label]::before{content:attr(data-label) " ";opacity:.75}
table.replicas td.id+td.st{margin-left:auto}table.replicas td.id{width:calc(100% - 110px)}}
`;

/**
 * The whole status page as HTML: the view of `status`, the styles, and a small script that fetches
 * `statusUrl` every `refreshMs` and re-renders with the same view function. No external resource
 * (fonts, scripts, styles): it works offline. Read-only: it only reads the status.
 */
export function renderDashboardPage(status: ServeStatus, options: DashboardPageOptions): string {
  const refreshMs = Math.min(Math.max(options.refreshMs ?? 1500, 250), 60_000);
  const script = `(() => {
const render = ${renderStatusView.toString()};
const url = ${scriptJson(options.statusUrl)};
const root = document.getElementById('serve-root');
const tick = async () => {
  try {
    const res = await fetch(url, { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    root.innerHTML = render(await res.json());
    root.classList.remove('stale');
  } catch (error) {
    root.classList.add('stale');
    const note = root.querySelector('[data-field="live"]');
    if (note) note.textContent = '· not updating (' + (error && error.message ? error.message : 'offline') + ')';
  } finally {
    setTimeout(tick, ${refreshMs});
  }
};
setTimeout(tick, ${refreshMs});
})();`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>nestjs-serve status</title>
<style>${STYLE}</style>
</head>
<body>
<main id="serve-root">${renderStatusView(status)}</main>
<script>${script}</script>
</body>
</html>
`;
}

// JSON inside a <script>: `<` escaped so that no value can close the element.
function scriptJson(value: string): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
