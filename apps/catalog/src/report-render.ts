import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CatalogReportExternalTrendsResponseV1, LineageRowV1 } from '#contracts';
import { dayOf, type Bucket, type ReportAggregates } from './report-aggregates.js';
import { pageOfRows, type LineageColumnsPage } from './report-columns.js';

/** One count of the report against the log DB's events of the kind (see compareWithLog). */
export interface LogCheckKind {
  kind: 'publications' | 'videos' | 'stories' | 'trends';
  subject: string;
  /** Distinct ids in the report. */
  report: number;
  /** Of those, how many have their event in the log DB. */
  logged: number;
  missing: number;
  missingIds: number[];
  /** Publications only: logged in the window but not rows of the report. */
  notInReport: number;
  notInReportIds: number[];
  /** The logger cut its answer (too many ranges): the comparison is incomplete. */
  truncated: boolean;
}

export type LogCheck =
  | { checked: true; agree: boolean; lookbackDays: number; kinds: LogCheckKind[] }
  | { checked: false; reason: string; kinds: LogCheckKind[] };

export interface ReportData {
  /** Every row when kept (tests, small windows); the CLI streams rows to CSV and JSON instead. */
  rows: LineageRowV1[];
  /** The rows the HTML table shows (the most viewed first) and the series are drawn from. */
  shown: LineageRowV1[];
  external: CatalogReportExternalTrendsResponseV1['days'];
  aggregates: ReportAggregates;
  logCheck?: LogCheck;
  generatedAt: string;
}

/** One line per kind, for the terminal: "publications 100 = 100 logged" or the differences. */
export function describeLogCheck(check: LogCheck | undefined): string[] {
  if (!check) return [];
  if (!check.checked) return [check.reason];
  return check.kinds.map((k) => {
    const parts = [`${k.kind}: ${k.report} in the report, ${k.logged} with a ${k.subject} event`];
    if (k.missing) parts.push(`${k.missing} without (ids ${k.missingIds.join(', ')}${k.missing > k.missingIds.length ? ', …' : ''})`);
    if (k.notInReport) parts.push(`${k.notInReport} logged in the window but not in the report (ids ${k.notInReportIds.join(', ')}${k.notInReport > k.notInReportIds.length ? ', …' : ''})`);
    if (k.truncated) parts.push('the log answer was cut, the comparison is incomplete');
    return `${parts.join('; ')}${!k.missing && !k.notInReport && !k.truncated ? ': agree' : ''}`;
  });
}

const CSV_COLUMNS = [
  'publication_id', 'platform', 'channel', 'channel_external_id', 'published_at', 'title', 'url', 'privacy_status', 'upload_status',
  'trend_id', 'trend_text', 'trend_stage_at_publication', 'story_id', 'story_title', 'story_template', 'story_model', 'story_stand_in',
  'article_id', 'article_title', 'article_url', 'article_category', 'video_id', 'video_model', 'video_stand_in', 'edit_id', 'editor',
  'editor_stand_in', 'views_1h', 'views_24h', 'views_7d', 'views_latest', 'latest_at', 'snapshots', 'metric_source', 'external_trends_of_day',
] as const;

const CSV_NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;

/** RFC 4180 field; a leading =, +, - or @ is prefixed with ' so a spreadsheet never runs it as a formula. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  if (!CSV_NEEDS_CARE.test(value)) return value;
  const s = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The external trends of each UTC day as one CSV field ("a | b | c"). */
export function csvTermsByDay(external: CatalogReportExternalTrendsResponseV1['days']): Map<string, string> {
  return new Map(external.map((d) => [d.day, d.terms.map((t) => t.term).join(' | ')]));
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

const csvOrEmpty = (value: string | null) => (value === null ? '' : csvField(value));
const v = (n: number | null) => (n === null ? '' : String(n));

/**
 * The CSV lines of a page of columns, as one string. The page's dictionary strings (channels,
 * models, categories, stages, trend texts) are quoted once each, not once per row.
 */
export function csvLines(page: LineageColumnsPage, terms: Map<string, string>): string {
  const c = page.columns;
  const f = page.strings.map(csvField);
  const ref = (i: number | null) => (i === null ? '' : f[i]!);
  const dayField = new Map<string, string>();
  let out = '';
  for (let i = 0; i < page.count; i++) {
    const publishedAt = c.publishedAt[i]!;
    const day = publishedAt.slice(0, 10);
    let external = dayField.get(day);
    if (external === undefined) {
      external = csvField(terms.get(day) ?? '');
      dayField.set(day, external);
    }
    const title = csvOrEmpty(c.title[i]!);
    out +=
      `${c.publicationId[i]},${f[c.platform[i]!]},${f[c.channel[i]!]},${ref(c.channelExternalId[i]!)},${csvField(publishedAt)},${title},` +
      `${csvOrEmpty(c.url[i]!)},${ref(c.privacyStatus[i]!)},${ref(c.uploadStatus[i]!)},${c.trendId[i]},${f[c.trendText[i]!]},` +
      `${ref(c.stageAtPublication[i]!)},${c.storyId[i]},${title},${ref(c.storyTemplate[i]!)},${f[c.storyModel[i]!]},${c.storyStandIn[i]},` +
      `${c.articleId[i]},${csvField(c.articleTitle[i]!)},${csvField(c.articleUrl[i]!)},${ref(c.category[i]!)},${c.videoId[i]},` +
      `${f[c.videoModel[i]!]},${c.videoStandIn[i]},${c.editId[i]},${f[c.editor[i]!]},${c.editStandIn[i]},${v(c.views1h[i]!)},` +
      `${v(c.views24h[i]!)},${v(c.views7d[i]!)},${v(c.viewsLatest[i]!)},${csvOrEmpty(c.latestAt[i]!)},${c.snapshots[i]},` +
      `${ref(c.metricSource[i]!)},${external}\r\n`;
  }
  return out;
}

/** One CSV line per publication, the day's external trends joined with " | ". */
export function* renderCsv(data: Pick<ReportData, 'rows' | 'external'>): Generator<string> {
  const terms = csvTermsByDay(data.external);
  yield csvHeader();
  for (let i = 0; i < data.rows.length; i += 1000) yield csvLines(pageOfRows(data.rows.slice(i, i + 1000)), terms);
}

/**
 * The JSON report in three parts so rows can be written as they arrive: the head (when and the
 * external trends), the rows (one per line), the tail (aggregates and the log DB comparison).
 */
export const jsonParts = {
  head: (generatedAt: string, external: ReportData['external']): string =>
    `{"generatedAt":${JSON.stringify(generatedAt)},\n"externalTrends":${JSON.stringify(external)},\n"rows":[`,
  /** Rows one per line, separated by commas (the caller puts ",\n" between two chunks). */
  rowsText: (rows: LineageRowV1[]): string => rows.map((r) => JSON.stringify(r)).join(',\n'),
  tail: (aggregates: ReportAggregates, logCheck: LogCheck | undefined): string =>
    `\n],\n"aggregates":${JSON.stringify(aggregates, null, 1)},\n"logCheck":${JSON.stringify(logCheck ?? null, null, 1)}}\n`,
};

export function renderJson(data: ReportData): string {
  return `${jsonParts.head(data.generatedAt, data.external)}\n${jsonParts.rowsText(data.rows)}${jsonParts.tail(data.aggregates, data.logCheck)}`;
}

const require = createRequire(import.meta.url);
let chartSource: string | undefined;
/** chart.js's UMD bundle from node_modules, inlined: the page needs no network. */
function chartJs(): string {
  chartSource ??= readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  return chartSource;
}

function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a <script> element: no "</script>" or "<!--" can close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The rows the HTML table shows (all of them are in the CSV and JSON). */
const HTML_ROW_LIMIT = 500;
/** Videos drawn in "views over time". */
const SERIES_LIMIT = 10;

function table(buckets: Bucket[]): string {
  const body = buckets.map((b) => `<tr><td>${esc(b.key)}</td><td>${b.publications}</td><td>${b.measured}</td><td>${b.views}</td><td>${b.avgViews}</td></tr>`).join('');
  return `<table><thead><tr><th></th><th>publications</th><th>with views</th><th>views</th><th>avg views</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** The report's counts against the log DB's events, as a table with the verdict. */
function logCheckHtml(check: LogCheck | undefined): string {
  if (!check) return '';
  if (!check.checked) return `<h2>Agreement with the log DB</h2><p class="note">${esc(check.reason)}.</p>`;
  const ids = (list: number[], n: number) => (n ? `${n}: ${list.join(', ')}${n > list.length ? ', …' : ''}` : '0');
  const body = check.kinds
    .map(
      (k) =>
        `<tr><td>${k.kind}</td><td><code>${esc(k.subject)}</code></td><td>${k.report}</td><td>${k.logged}</td><td>${ids(k.missingIds, k.missing)}</td>` +
        `<td>${k.kind === 'publications' ? ids(k.notInReportIds, k.notInReport) : ''}</td><td>${!k.missing && !k.notInReport && !k.truncated ? 'agree' : k.truncated ? 'incomplete' : 'differ'}</td></tr>`,
    )
    .join('');
  return `<h2 id="log-check">Agreement with the log DB: ${check.agree ? 'the counts agree' : 'the counts differ'}</h2>
<p class="note">Each publication, video, story and trend of the report against its event in the log DB (videos, stories and trends searched up to ${check.lookbackDays} days before the window).</p>
<table><thead><tr><th></th><th>event</th><th>in the report</th><th>with its event logged</th><th>without (ids)</th><th>logged, not in the report (ids)</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}

/** A self-contained page: the data as JSON, chart.js inlined, the charts drawn by a small script. */
export function renderHtml(data: ReportData): string {
  const a = data.aggregates;
  const top = data.shown.filter((r) => r.viewsLatest !== null);
  const series = top.slice(0, SERIES_LIMIT).map((r) => {
    const published = Date.parse(r.publishedAt);
    const points = [{ x: 0, y: 0 }];
    if (r.views1h !== null) points.push({ x: 1, y: r.views1h });
    if (r.views24h !== null) points.push({ x: 24, y: r.views24h });
    if (r.views7d !== null) points.push({ x: 168, y: r.views7d });
    if (r.latestAt && r.viewsLatest !== null) points.push({ x: Math.round((Date.parse(r.latestAt) - published) / 36e5), y: r.viewsLatest });
    points.sort((p, q) => p.x - q.x);
    return { label: `#${r.publicationId} ${(r.title ?? r.trend.text).slice(0, 40)}`, data: points };
  });
  const charts = [
    ['chart-category', 'Views by category', a.byCategory],
    ['chart-stage', 'Views by trend lifecycle stage at publication', a.byStage],
    ['chart-channel', 'Views by channel', a.byChannel],
    ['chart-weekday', `Views by weekday (${a.window.timeZone})`, a.byWeekday],
    ['chart-hour', `Views by hour of publication (${a.window.timeZone})`, a.byHour],
    ['chart-story-model', 'Views by story model', a.byStoryModel],
    ['chart-video-model', 'Views by video model', a.byVideoModel],
    ['chart-editor', 'Views by editor', a.byEditor],
  ] as const;
  const bars = charts.map(([id, , buckets]) => ({ id, labels: buckets.map((b) => b.key), views: buckets.map((b) => b.views), avg: buckets.map((b) => b.avgViews) }));
  const terms = new Map(data.external.map((d) => [d.day, d.terms.map((t) => t.term)]));
  const rowsHtml = data.shown
    .slice(0, HTML_ROW_LIMIT)
    .map(
      (r) =>
        `<tr><td>${r.publicationId}</td><td>${esc(r.publishedAt.slice(0, 16).replace('T', ' '))}</td><td>${esc(r.platform)}/${esc(r.channel)}</td>` +
        `<td>${r.url ? `<a href="${esc(r.url)}">${esc(r.title ?? '')}</a>` : esc(r.title ?? '')}</td>` +
        `<td>#${r.trend.id} ${esc(r.trend.text.slice(0, 80))}</td><td>${esc(r.trend.stageAtPublication ?? '')}</td>` +
        `<td><a href="${esc(r.article.url)}">${esc(r.article.title.slice(0, 60))}</a></td><td>${esc(r.article.category ?? '')}</td>` +
        `<td>${esc(r.story.model)}${r.story.standIn ? ' (stand-in)' : ''}<br>${esc(r.story.template ?? '')}</td>` +
        `<td>${esc(r.video.model)}${r.video.standIn ? ' (stand-in)' : ''}</td><td>${esc(r.edit.editor)}${r.edit.standIn ? ' (stand-in)' : ''}</td>` +
        `<td>${r.views1h ?? ''}</td><td>${r.views24h ?? ''}</td><td>${r.views7d ?? ''}</td><td>${r.viewsLatest ?? ''}</td>` +
        `<td>${esc((terms.get(dayOf(r)) ?? []).slice(0, 5).join(', '))}</td></tr>`,
    )
    .join('');
  const coHtml = a.coOccurringTrends
    .map((c) => `<tr><td>${esc(c.term)}</td><td>${c.topPublications}</td><td>${c.allPublications}</td><td>${c.lift}</td></tr>`)
    .join('');
  const standIns = a.standIn.map((b) => `${esc(b.key)}: ${b.publications}`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lineage report ${esc(a.window.from.slice(0, 10))} – ${esc(a.window.to.slice(0, 10))}</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:1.2em}.card{border:1px solid #ddd;border-radius:6px;padding:.8em}
canvas{width:100%!important;height:260px!important}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
.note{color:#666}
</style>
<script>${chartJs()}</script>
</head><body>
<h1>Lineage report: ${esc(a.window.from)} – ${esc(a.window.to)}</h1>
<p>${a.publications} publications, ${a.measured} with view counts, ${a.totalViews} views (latest snapshot). Generated ${esc(data.generatedAt)}.
Weekday and hour in ${esc(a.window.timeZone)}. Models: ${standIns}.</p>
<p class="note">Views at +1 h, +24 h, +7 d are the first snapshot captured at or after each mark; "latest" is the newest snapshot.
Stand-ins (no LLM, no GPU, no YouTube) are marked as such; an <code>outbox</code> platform means nothing was uploaded.</p>
<div class="grid">
<div class="card"><h2>Views over time (top ${series.length} videos, hours after publication)</h2><canvas id="chart-series"></canvas></div>
${charts.map(([id, title, buckets]) => `<div class="card"><h2>${esc(title)}</h2><canvas id="${id}"></canvas>${table(buckets)}</div>`).join('\n')}
</div>
<h2>External trends co-occurring with the top ${a.topPerformers.length} performers</h2>
<p class="note">Terms trending outside (trendwatch snapshots) on the UTC day a top performer was published; lift = share among top performers ÷ share among all publications.</p>
<table><thead><tr><th>term</th><th>top performers</th><th>all publications</th><th>lift</th></tr></thead><tbody>${coHtml || '<tr><td colspan="4">no external trend snapshots in the window</td></tr>'}</tbody></table>
${logCheckHtml(data.logCheck)}
<h2>Publications (${Math.min(HTML_ROW_LIMIT, data.shown.length)} of ${a.publications}, most viewed first; all rows in --format csv or json)</h2>
<table><thead><tr><th>id</th><th>published (UTC)</th><th>channel</th><th>title</th><th>trend</th><th>stage</th><th>source article</th><th>category</th><th>story</th><th>video</th><th>editor</th><th>+1 h</th><th>+24 h</th><th>+7 d</th><th>latest</th><th>external trends that day</th></tr></thead>
<tbody>${rowsHtml}</tbody></table>
<script>
const SERIES = ${scriptJson(series)};
const BARS = ${scriptJson(bars)};
Chart.defaults.animation = false;
new Chart(document.getElementById('chart-series'), { type: 'line', data: { datasets: SERIES },
  options: { parsing: true, scales: { x: { type: 'linear', title: { display: true, text: 'hours after publication' } }, y: { beginAtZero: true } } } });
for (const b of BARS) {
  new Chart(document.getElementById(b.id), { type: 'bar', data: { labels: b.labels, datasets: [
    { label: 'views', data: b.views, backgroundColor: '#4e79a7' }, { label: 'avg views', data: b.avg, backgroundColor: '#f28e2b' }] },
    options: { scales: { y: { beginAtZero: true } } } });
}
document.body.dataset.charts = String(1 + BARS.length);
</script>
</body></html>
`;
}
