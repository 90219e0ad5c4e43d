// `npx tsx bench/render.ts [results/latest.json]`: re-render the Markdown table and the chart
// from a results file (after a change to report.ts or chart.ts), without running the bench.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { renderChart } from './chart.js';
import { renderMarkdown, renderTerminal, type BenchResults } from './report.js';

const file = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, 'results/latest.json'));
const results = JSON.parse(await fs.readFile(file, 'utf8')) as BenchResults;
const quick = results.mode === 'quick';
const [md, svg] = quick ? ['quick.md', 'quick-latency.svg'] : ['latest.md', 'latency.svg'];
await fs.writeFile(path.join(path.dirname(file), md), renderMarkdown(results, svg));
await fs.writeFile(path.join(path.dirname(file), svg), renderChart(results));
process.stdout.write(renderTerminal(results));
