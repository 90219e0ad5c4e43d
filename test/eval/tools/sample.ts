// Draws the procedures the public development set is written from: seeded, stratified by
// ministry folder (proportional, largest remainder, at least one per folder), then split once
// into `tune` and `test` by procedure. Run once; its output, test/eval/sample.json, is committed
// so that the set can be audited and re-drawn identically.
//   npx tsx test/eval/tools/sample.ts [--portal DIR] [--n 260] [--seed 20261201]
//   npx tsx test/eval/tools/sample.ts --extra --n 200 --seed 20261202   (more tune-only procedures,
//   drawn from those not in sample.json: the test half stays as it was written)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rng as prng } from '../../../bench/stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const { values } = parseArgs({ options: { portal: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' }, extra: { type: 'boolean', default: false } } });
const portal = path.resolve(values.portal ?? path.join(root, '../shared/data/tthc-portal'));
const n = Number(values.n ?? 260);
const seed = Number(values.seed ?? 20261201);
const rnd = prng(seed);

const folders = readdirSync(portal, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
// An extra draw leaves out every procedure already drawn (and so every test procedure).
const taken = new Set<string>(
  values.extra ? (JSON.parse(readFileSync(path.join(root, 'test/eval/sample.json'), 'utf8')) as { procedures: Array<{ code: string }> }).procedures.map((p) => `${p.code}.json`) : [],
);
const files = new Map(folders.map((f) => [f, readdirSync(path.join(portal, f)).filter((x) => x.endsWith('.json') && !taken.has(x)).sort()]));
const total = [...files.values()].reduce((s, xs) => s + xs.length, 0);
const quota = new Map(folders.map((f) => [f, Math.max(1, Math.floor((files.get(f)!.length * n) / total))]));
const rest = folders
  .map((f) => ({ f, frac: (files.get(f)!.length * n) / total - Math.floor((files.get(f)!.length * n) / total) }))
  .sort((a, b) => b.frac - a.frac);
for (let i = 0; [...quota.values()].reduce((s, x) => s + x, 0) < n; i++) quota.set(rest[i % rest.length]!.f, quota.get(rest[i % rest.length]!.f)! + 1);

const picked: Array<{ code: string; folder: string }> = [];
for (const f of folders) for (const file of shuffle(files.get(f)!, rnd).slice(0, quota.get(f))) picked.push({ code: file.replace(/\.json$/, ''), folder: f });
// One split, by procedure: a seeded shuffle, then alternate, so each folder is halved too.
const sample = folders
  .flatMap((f) => shuffle(picked.filter((p) => p.folder === f), rnd))
  .map((p, i) => ({ ...p, split: values.extra || i % 2 === 0 ? 'tune' : 'test' }));
const out = values.extra ? 'test/eval/sample-tune-extra.json' : 'test/eval/sample.json';
writeFileSync(path.join(root, out), `${JSON.stringify({ seed, n, drawnFrom: 'shared/data/tthc-portal', procedures: sample }, null, 1)}\n`);
process.stdout.write(`${sample.length} procedures: ${folders.map((f) => `${f} ${quota.get(f)}`).join(', ')}\n`);
