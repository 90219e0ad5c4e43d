// How well the portal parser reads a crawl folder: clean / partial / failed records, the most
// frequent issue kinds, and per-table success rates.
// Usage: npx tsx ingest/tools/portal-parse-rate.ts <folder> [--json]
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parsePortalRecord } from '../loaders/portal.js';

export interface ParseRate {
  records: number;
  clean: number;
  partial: number;
  failed: number;
  cleanPercent: number;
  issues: Record<string, number>;
  /**
   * Share of records (0–100) with: some papers; some channels; channels that all have a time and
   * a fee; some legal basis with a number.
   */
  fields: { papers: number; channels: number; channelsTimeFee: number; legalBasis: number };
  elapsedMs: number;
}

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFiles(full)));
    else if (entry.name.endsWith('.json')) out.push(full);
  }
  return out.sort();
}

export async function measure(dir: string): Promise<ParseRate> {
  const started = performance.now();
  const issues = new Map<string, number>();
  const count = { records: 0, clean: 0, partial: 0, failed: 0, papers: 0, channels: 0, timeFee: 0, legal: 0 };
  for (const file of await jsonFiles(dir)) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      count.records++;
      count.failed++;
      continue;
    }
    for (const raw of Array.isArray(data) ? data : [data]) {
      count.records++;
      try {
        const { procedure: p, issues: found } = parsePortalRecord(raw);
        if (found.length === 0) count.clean++;
        else count.partial++;
        for (const kind of found) issues.set(kind, (issues.get(kind) ?? 0) + 1);
        if (p.papers.some((g) => g.papers.length > 0)) count.papers++;
        if (p.channels.length > 0) count.channels++;
        if (p.channels.length > 0 && p.channels.every((c) => c.time !== '' && c.fee !== '')) count.timeFee++;
        if (p.legalBasis.some((l) => l.number)) count.legal++;
      } catch {
        count.failed++;
      }
    }
  }
  const pct = (n: number) => (count.records === 0 ? 0 : Math.round((1000 * n) / count.records) / 10);
  return {
    records: count.records,
    clean: count.clean,
    partial: count.partial,
    failed: count.failed,
    cleanPercent: pct(count.clean),
    issues: Object.fromEntries([...issues].sort((a, b) => b[1] - a[1])),
    fields: {
      papers: pct(count.papers),
      channels: pct(count.channels),
      channelsTimeFee: pct(count.timeFee),
      legalBasis: pct(count.legal),
    },
    elapsedMs: Math.round(performance.now() - started),
  };
}

function report(r: ParseRate): string {
  const lines = [
    `records   ${r.records}`,
    `clean     ${r.clean} (${r.cleanPercent}%)`,
    `partial   ${r.partial}`,
    `failed    ${r.failed}`,
    '',
    'top issue kinds (records):',
    ...Object.entries(r.issues)
      .slice(0, 12)
      .map(([k, n]) => `  ${String(n).padStart(5)}  ${k}`),
    '',
    'per field (share of records):',
    `  papers parsed                 ${r.fields.papers}%`,
    `  channels parsed               ${r.fields.channels}%`,
    `  channels with time and fee    ${r.fields.channelsTimeFee}%`,
    `  legal basis with a number     ${r.fields.legalBasis}%`,
    '',
    `elapsed   ${r.elapsedMs} ms`,
  ];
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const dir = argv.find((a) => !a.startsWith('--'));
  if (!dir) {
    console.error('usage: npx tsx ingest/tools/portal-parse-rate.ts <crawl folder> [--json]');
    return 64;
  }
  const r = await measure(path.resolve(dir));
  console.log(argv.includes('--json') ? JSON.stringify(r) : report(r));
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
