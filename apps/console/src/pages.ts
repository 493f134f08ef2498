import type { LoggedEventV1 } from '#contracts';
import type { ContentService, Section } from './content.service.js';
import { REASONS } from './dead-letters.service.js';
import { esc, jsonBlock, layout } from './html.js';
import { FUNNEL, type PipelineView } from './pipeline.service.js';

export interface DeadLetterRow {
  seq: number;
  failedAt: string;
  originalSubject: string;
  reason: string;
  handler: string;
  attempts: number;
  error: string;
  correlationId: string | null;
}

const CHART_HEAD = '<script src="/assets/chart.js" defer></script><script src="/assets/console.js" defer></script>';

function num(n: number | null | undefined, digits = 0): string {
  return n === null || n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function errorBox(error: string | null): string {
  return error ? `<p class="error">${esc(error)}</p>` : '';
}

export function loginPage(failed: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Log in · pipeline console</title><link rel="stylesheet" href="/assets/console.css"></head>
<body><main><h1>pipeline console</h1>${failed ? '<p class="error">Wrong token.</p>' : ''}
<form method="post" action="/login"><label>Token <input type="password" name="token" autofocus required></label> <button>Log in</button></form></main></body></html>`;
}

export function pipelinePage(view: PipelineView): string {
  const days = view.funnel?.days ?? [];
  const header = FUNNEL.map((f) => `<th title="${esc(f.subject)}">${esc(f.stage)}</th>`).join('');
  const rows = [...days]
    .reverse()
    .map((d) => `<tr><td>${esc(d.day)}</td>${FUNNEL.map((f) => `<td class="n">${num(d.counts[f.subject] ?? 0)}</td>`).join('')}<td class="n">${num(d.deadLetters)}</td></tr>`)
    .join('');
  const funnel = view.funnel
    ? `<div class="chart"><canvas id="funnel-chart"></canvas></div>${jsonBlock('funnel-data', { stages: FUNNEL, days })}
<table id="funnel"><thead><tr><th>day (UTC)</th>${header}<th>dead letters</th></tr></thead><tbody>${rows}</tbody></table>
<p>Dead letters in the log DB: <a href="/dead-letters">${num(view.funnel.deadLettersTotal)}</a></p>`
    : '';
  const stageRows = view.stages
    .map(
      (s) => `<tr class="stage" data-state="${s.state}"><td>${esc(s.consumer)}</td><td>${esc(s.filter ?? '')}</td><td class="n">${num(s.pending)}</td>
<td class="n">${num(s.ackPending)}</td><td class="n">${num(s.redelivered)}</td><td class="n">${s.rate === null ? '…' : `${num(s.rate, 1)}/s`}</td><td class="state-${s.state}">${s.state}</td></tr>`,
    )
    .join('');
  const stages = view.stages.length
    ? `<table id="stages"><thead><tr><th>consumer</th><th>subject</th><th>pending</th><th>ack pending</th><th>redelivered</th><th>rate</th><th>state</th></tr></thead><tbody>${stageRows}</tbody></table>`
    : view.stagesError
      ? ''
      : '<p class="empty">No consumers yet.</p>';
  return layout(
    'Pipeline',
    'pipeline',
    `<h2>Funnel per day</h2>${errorBox(view.funnelError && `Funnel unavailable (logger): ${view.funnelError}`)}${funnel}
<h2>Stages</h2>${errorBox(view.stagesError && `NATS monitoring unavailable: ${view.stagesError}`)}${stages}
<p class="empty">Taken at ${esc(view.takenAt)}; refreshes every 15 s. Behind: pending above the threshold; stalled: work waiting and nothing acknowledged since the last look.</p>`,
    `${CHART_HEAD}<meta http-equiv="refresh" content="15">`,
  );
}

const READ_ONLY = '<p class="notice">Read-only: listed from the log DB (numbers are log row ids); replay needs the DLQ library, which is not in this build.</p>';

export function deadLettersPage(rows: DeadLetterRow[], filter: { subject?: string; reason?: string }, error: string | null, notice: string | null, canReplay: boolean): string {
  const reasons = ['', ...REASONS];
  const body = rows.length
    ? `<form method="post" action="/dead-letters/replay"><table id="dead-letters"><thead><tr><th><input type="checkbox" id="select-all"></th><th>#</th><th>failed at</th><th>subject</th><th>reason</th><th>handler</th><th>attempts</th><th>error</th></tr></thead><tbody>
${rows
  .map(
    (r) => `<tr><td><input type="checkbox" name="seq" value="${r.seq}"></td><td><a href="/dead-letters/${r.seq}">${r.seq}</a></td><td>${esc(r.failedAt)}</td><td>${esc(r.originalSubject)}</td>
<td>${esc(r.reason)}</td><td>${esc(r.handler)}</td><td class="n">${r.attempts}</td><td>${esc(r.error.slice(0, 160))}</td></tr>`,
  )
  .join('')}</tbody></table>${canReplay ? '<button id="replay-selected">Replay selected</button>' : ''}</form>`
    : error
      ? ''
      : '<p class="empty">No dead letters match.</p>';
  return layout(
    'Dead letters',
    'dead-letters',
    `${notice ? `<p class="notice">${esc(notice)}</p>` : ''}${canReplay ? '' : READ_ONLY}${errorBox(error)}
<form class="filters" method="get" action="/dead-letters"><input name="subject" placeholder="subject, or prefix.>" value="${esc(filter.subject ?? '')}">
<select name="reason">${reasons.map((r) => `<option value="${r}"${r === (filter.reason ?? '') ? ' selected' : ''}>${r || 'any reason'}</option>`).join('')}</select><button>Filter</button></form>${body}`,
    '<script src="/assets/console.js" defer></script>',
  );
}

export function deadLetterPage(seq: number, letter: unknown, original: unknown, row: DeadLetterRow, canReplay: boolean): string {
  return layout(
    `Dead letter #${seq}`,
    'dead-letters',
    `<table><tr><th>subject</th><td>${esc(row.originalSubject)}</td></tr><tr><th>reason</th><td>${esc(row.reason)}</td></tr>
<tr><th>handler</th><td>${esc(row.handler)}</td></tr><tr><th>attempts</th><td>${row.attempts}</td></tr><tr><th>failed at</th><td>${esc(row.failedAt)}</td></tr>
<tr><th>correlation</th><td>${esc(row.correlationId ?? '')}</td></tr></table>
<h2>Error</h2><pre id="error">${esc(row.error)}</pre>
${canReplay ? `<form method="post" action="/dead-letters/replay"><input type="hidden" name="seq" value="${seq}"><button id="replay">Replay to ${esc(row.originalSubject)}</button></form>` : READ_ONLY}
<h2>Original event</h2><pre id="original">${esc(original ? JSON.stringify(original, null, 2) : '(not recoverable)')}</pre>
<h2>Dead letter</h2><pre id="raw">${esc(JSON.stringify(letter, null, 2))}</pre>`,
  );
}

function media(key: string | null | undefined, kind: 'image' | 'video'): string {
  if (!key) return '';
  const src = `/media/${key.split('/').map(encodeURIComponent).join('/')}`;
  return kind === 'image' ? `<img loading="lazy" src="${esc(src)}" alt="">` : `<video controls preload="metadata" src="${esc(src)}"></video>`;
}

function section<T>(title: string, s: Section<T>, render: (items: T[]) => string, empty: string): string {
  return `<h2>${esc(title)}</h2>${errorBox(s.error)}${s.items.length ? render(s.items) : s.error ? '' : `<p class="empty">${esc(empty)}</p>`}`;
}

type P = Record<string, unknown>;
const p = (e: LoggedEventV1): P => (e.payload ?? {}) as P;

export function contentPage(c: Awaited<ReturnType<ContentService['content']>>): string {
  const views = new Map<number, { x: string; y: number }[]>();
  for (const m of [...c.metrics.items].reverse()) {
    const id = Number(p(m).publicationId);
    views.set(id, [...(views.get(id) ?? []), { x: String(p(m).capturedAt), y: Number(p(m).views) }]);
  }
  const body = [
    section('Articles', c.articles, (items) => `<div class="cards">${items
      .map((e) => {
        const a = p(e);
        const images = ((a.media as P[] | undefined) ?? []).filter((m) => m.kind === 'image' && m.key).slice(0, 4);
        return `<div class="card article"><a href="${esc(a.url)}" rel="noreferrer">${esc(a.title)}</a><br><small>${esc(a.category)} · #${esc(a.articleId)} · ${esc(e.occurredAt)}</small><br>${images.map((m) => media(String(m.key), 'image')).join('')}</div>`;
      })
      .join('')}</div>`, 'No articles yet: the scraper has not stored any.'),
    section('Trends', c.trends, (items) => `<table><tr><th>trend</th><th>category</th><th>score</th><th>articles</th><th>detector</th></tr>${items
      .map((e) => `<tr><td>${esc(p(e).text)}</td><td>${esc(p(e).category)}</td><td class="n">${num(Number(p(e).score), 3)}</td><td>${esc(((p(e).articleIds as number[]) ?? []).join(', '))}</td><td>${esc(p(e).detector)}</td></tr>`)
      .join('')}</table>`, 'No trends yet.'),
    section('Stories', c.stories, (items) => `<table><tr><th>story</th><th>trend</th><th>article</th><th>model</th></tr>${items
      .map((e) => `<tr><td>#${esc(p(e).storyId)}</td><td>#${esc(p(e).trendId)}</td><td>#${esc(p(e).articleId)}</td><td>${esc(p(e).model)}${p(e).standIn ? ' (stand-in)' : ''}</td></tr>`)
      .join('')}</table>`, 'No stories yet.'),
    section('Generated videos', c.videos, (items) => `<div class="cards">${items
      .map((e) => `<div class="card video">${media(String(p(e).fileKey), 'video')}<small>video #${esc(p(e).videoId)} · story #${esc(p(e).storyId)} · ${esc(p(e).model)}${p(e).standIn ? ' (stand-in)' : ''} · ${num(Number(p(e).durationS), 1)} s${p(e).hasAudio ? ' · sound' : ' · no sound'}</small></div>`)
      .join('')}</div>`, 'No generated videos yet.'),
    section('Edited videos', c.edits, (items) => `<div class="cards">${items
      .map((e) => `<div class="card video">${media(String(p(e).fileKey), 'video')}<small>edit #${esc(p(e).editId)} of video #${esc(p(e).videoId)} · ${esc(p(e).editor)}${p(e).standIn ? ' (stand-in)' : ''} · ${esc(p(e).platformProfile)} · ${num(Number(p(e).durationS), 1)} s${p(e).qa ? ` · QA ${esc(JSON.stringify(p(e).qa))}` : ''}</small></div>`)
      .join('')}</div>`, 'No edited videos yet.'),
    section('Publications', c.publications, (items) => `<table><tr><th>publication</th><th>platform</th><th>account</th><th>published</th><th>views</th></tr>${items
      .map((e) => {
        const id = Number(p(e).publicationId);
        const series = views.get(id) ?? [];
        const link = p(e).url ? `<a href="${esc(p(e).url)}" rel="noreferrer">${esc(p(e).externalId)}</a>` : esc(p(e).externalId);
        return `<tr><td>#${id} ${link}</td><td>${esc(p(e).platform)}</td><td>${esc(p(e).account)}</td><td>${esc(p(e).publishedAt)}</td><td class="n">${series.length ? num(series.at(-1)!.y) : '–'}</td></tr>`;
      })
      .join('')}</table><div class="chart"><canvas id="views-chart"></canvas></div>${jsonBlock('views-data', [...views].map(([id, points]) => ({ id, points })))}`, 'Nothing published yet.'),
  ].join('');
  return layout('Content', 'content', body, CHART_HEAD);
}

/**
 * The databases counted against the same cap: the budget, what each owner reported (or its last
 * known size, or unknown), and how much of it was subtracted from what the files may fill.
 */
function databasesTable(u: NonNullable<Awaited<ReturnType<ContentService['storage']>>['usage']['value']>): string {
  if (u.budgetBytes === undefined || !u.databases) return '';
  const rows = u.databases
    .map(
      (d) =>
        `<tr><td>${esc(d.owner)}</td><td class="n">${d.source === 'unknown' ? 'unknown' : `${bytes(d.bytes)}${d.exact ? '' : ' (estimate)'}`}</td><td class="n">${bytes(d.countedBytes)}</td><td>${esc(d.source)}${d.problem ? ` — ${esc(d.problem)}` : ''}</td><td>${esc(d.measuredAt ?? '–')}</td></tr>`,
    )
    .join('');
  return `<h2>Databases counted against the cap</h2><table id="databases"><tr><th>budget (files and databases)</th><td class="n">${bytes(u.budgetBytes)}</td></tr><tr><th>databases subtracted</th><td class="n">${bytes(u.databaseBytes ?? 0)}</td></tr></table>
<table><tr><th>owner</th><th>size</th><th title="0 when the database lives on the file volume: it is already in the bytes used">counted</th><th>source</th><th>measured</th></tr>${rows}</table>`;
}

export function storagePage(s: Awaited<ReturnType<ContentService['storage']>>): string {
  const u = s.usage.value;
  const usage = u
    ? `<table id="usage"><tr><th>used</th><td class="n">${bytes(u.usedBytes)}</td></tr><tr><th>capacity (cap)</th><td class="n">${bytes(u.capacityBytes)}</td></tr>
<tr><th>available</th><td class="n">${bytes(u.availableBytes)}</td></tr><tr><th>watermarks</th><td>purge from ${num(u.highWatermark * 100)} % down to ${num(u.lowWatermark * 100)} %</td></tr>
<tr><th>sweeping</th><td>${u.sweeping ? 'yes' : 'no'}</td></tr><tr><th>last sweep</th><td>${esc(JSON.stringify(u.lastSweep ?? null))}</td></tr></table>
<div class="bar" title="${num((u.usedBytes / Math.max(1, u.capacityBytes)) * 100, 1)} %"><div style="width:${Math.min(100, (u.usedBytes / Math.max(1, u.capacityBytes)) * 100).toFixed(1)}%"></div></div>${databasesTable(u)}`
    : '';
  return layout(
    'Storage',
    'storage',
    `<h2>Bytes used against the cap</h2>${errorBox(s.usage.error)}${usage}
${section('Purged recently', s.purged, (items) => `<table><tr><th>key</th><th>bytes</th><th>reason</th><th>when</th></tr>${items
  .map((e) => `<tr><td>${esc(p(e).key)}</td><td class="n">${bytes(Number(p(e).bytes))}</td><td>${esc(p(e).reason)}</td><td>${esc(p(e).purgedAt)}</td></tr>`)
  .join('')}</table>`, 'Retention has purged nothing yet.')}
<h2>Would purge next</h2>${errorBox(s.next.error)}${s.next.value.length ? `<table><tr><th>key</th><th>bytes</th><th>reason</th></tr>${s.next.value.map((c) => `<tr><td>${esc(c.key)}</td><td class="n">${bytes(c.bytes)}</td><td>${esc(c.reason)}</td></tr>`).join('')}</table>` : s.next.error ? '' : '<p class="empty">No file is eligible for retention.</p>'}`,
  );
}

export const CLIENT_JS = `
(function () {
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var all = document.getElementById('select-all');
  if (all) all.addEventListener('change', function () { document.querySelectorAll('input[name=seq]').forEach(function (c) { c.checked = all.checked; }); });
  if (typeof Chart === 'undefined') return;
  var colors = ['#2f7de1', '#17a2b8', '#8e44ad', '#e67e22', '#c0392b', '#27ae60', '#34495e'];
  var funnel = data('funnel-data');
  if (funnel) {
    new Chart(document.getElementById('funnel-chart'), { type: 'bar', options: { animation: false, maintainAspectRatio: false },
      data: { labels: funnel.days.map(function (d) { return d.day; }), datasets: funnel.stages.map(function (s, i) {
        return { label: s.stage, backgroundColor: colors[i % colors.length], data: funnel.days.map(function (d) { return d.counts[s.subject] || 0; }) }; }) } });
    window.chartsReady = true;
  }
  var views = data('views-data');
  if (views && views.length) {
    new Chart(document.getElementById('views-chart'), { type: 'line', options: { animation: false, maintainAspectRatio: false, scales: { x: { type: 'category' } } },
      data: { labels: Array.from(new Set([].concat.apply([], views.map(function (v) { return v.points.map(function (p) { return p.x; }); })))).sort(),
        datasets: views.map(function (v, i) { return { label: '#' + v.id, borderColor: colors[i % colors.length], data: v.points }; }) } });
  }
})();
`;
