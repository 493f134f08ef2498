/** Escapes text for HTML bodies and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** JSON for a `<script type="application/json">` block (no `</script>` breakout). */
export function jsonBlock(id: string, value: unknown): string {
  return `<script type="application/json" id="${esc(id)}">${JSON.stringify(value).replaceAll('<', '\\u003c')}</script>`;
}

export function layout(title: string, active: string, body: string, extraHead = ''): string {
  const nav = [
    ['pipeline', 'Pipeline'],
    ['dead-letters', 'Dead letters'],
    ['content', 'Content'],
    ['storage', 'Storage'],
  ]
    .map(([path, label]) => `<a href="/${path}"${path === active ? ' class="active"' : ''}>${label}</a>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · pipeline console</title><link rel="stylesheet" href="/assets/console.css">${extraHead}</head>
<body><header><strong>pipeline console</strong><nav>${nav}</nav><form method="post" action="/logout"><button>Log out</button></form></header>
<main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

export const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#1d2330;background:#f5f6f8}
header{display:flex;gap:24px;align-items:center;padding:10px 20px;background:#1d2330;color:#fff}
header nav a{color:#cfd6e4;margin-right:14px;text-decoration:none}header nav a.active{color:#fff;border-bottom:2px solid #5ab0ff}
header form{margin-left:auto}main{padding:16px 20px;max-width:1400px}
table{border-collapse:collapse;background:#fff;margin:8px 0 20px}th,td{padding:5px 10px;border-bottom:1px solid #e3e6ec;text-align:left;vertical-align:top}
th{background:#eef1f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.state-ok{color:#17803d}.state-busy{color:#8a6d00}.state-behind,.state-stalled{color:#fff;background:#c62828;font-weight:600}
.error{background:#fdecea;color:#8a1c1c;padding:8px 12px;border-radius:4px}.empty{color:#6b7385;font-style:italic}
pre{background:#fff;border:1px solid #e3e6ec;padding:10px;white-space:pre-wrap;word-break:break-all;max-height:400px;overflow:auto}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #e3e6ec;border-radius:6px;padding:10px;width:320px}
.card img{max-width:96px;max-height:72px;margin:2px;object-fit:cover}video{width:100%;max-height:420px;background:#000}
.bar{height:14px;background:#e3e6ec;border-radius:7px;overflow:hidden;width:400px}.bar>div{height:100%;background:#2f7de1}
.chart{background:#fff;border:1px solid #e3e6ec;padding:8px;max-width:1000px;height:320px}
form.filters{margin:8px 0}form.filters input,form.filters select{margin-right:8px}
`;
