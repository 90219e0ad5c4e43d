// The latency chart, written by hand as SVG: retrieval p50 per question against corpus size
// (both axes logarithmic), one line for us and one for each peer.
import type { BenchResults } from './report.js';

const W = 720;
const H = 420;
const M = { left: 70, right: 170, top: 40, bottom: 56 };
const COLORS: Record<string, string> = { us: '#c0392b', orama: '#2471a3', minisearch: '#239b56', langchain: '#7d3c98' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

export function renderChart(r: BenchResults): string {
  const series: Array<{ key: string; label: string; points: Array<[number, number]> }> = [];
  const us = r.corpora.filter((c) => c.us && c.chunks > 0).map((c): [number, number] => [c.chunks, c.us!.single.p50]);
  series.push({ key: 'us', label: 'us (hybrid + ranking)', points: us });
  const peerKeys = [...new Set(r.corpora.flatMap((c) => Object.keys(c.peers)))];
  for (const k of peerKeys) {
    const points = r.corpora.filter((c) => c.peers[k] && c.chunks > 0).map((c): [number, number] => [c.chunks, c.peers[k]!.single.p50]);
    const label = r.corpora.map((c) => c.peers[k]?.name).find(Boolean) ?? k;
    series.push({ key: k, label, points });
  }
  const all = series.flatMap((s) => s.points);
  if (!all.length) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30">No latency figures.</text></svg>\n`;
  const xs = decades(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const ys = decades(Math.max(0.01, Math.min(...all.map((p) => p[1]))), Math.max(...all.map((p) => p[1])));
  const [x0, x1] = [Math.log10(xs[0]!), Math.log10(xs[xs.length - 1]!)];
  const [y0, y1] = [Math.log10(ys[0]!), Math.log10(ys[ys.length - 1]!)];
  const px = (x: number) => M.left + ((Math.log10(x) - x0) / Math.max(1e-9, x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((Math.log10(Math.max(y, 1e-3)) - y0) / Math.max(1e-9, y1 - y0)) * (H - M.top - M.bottom);
  const fmt = (v: number) => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${M.left}" y="22" font-size="15" font-weight="600">Retrieval latency p50 per question vs corpus size (${esc(r.machine.cpu)}, ${r.machine.cores} cores)</text>`);
  for (const x of xs) parts.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#ddd"/><text x="${px(x)}" y="${H - M.bottom + 18}" text-anchor="middle">${fmt(x)}</text>`);
  for (const y of ys) parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/><text x="${M.left - 8}" y="${py(y) + 4}" text-anchor="end">${y >= 1 ? y : y.toFixed(2)} ms</text>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">chunks in the index (log)</text>`);
  parts.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">p50 ms (log)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[s.key] ?? '#555';
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="${s.key === 'us' ? 3 : 2}" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="4" fill="${color}"><title>${esc(s.label)}: ${y.toFixed(2)} ms at ${x} chunks</title></circle>`);
    const ly = M.top + 10 + i * 22;
    parts.push(`<line x1="${W - M.right + 14}" x2="${W - M.right + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/><text x="${W - M.right + 42}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
