// Writes lexicon.json from the bundled documents (data/documents/*.vi.md) and the catalogue
// (data/catalogue/procedures.json). Run from the project root: npx tsx ingest/ocr/build-lexicon.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { countLexicon } from './lexicon.js';

const root = process.cwd();
const texts: string[] = [];
const docs = path.join(root, 'data/documents');
for (const n of readdirSync(docs)) if (n.endsWith('.vi.md')) texts.push(readFileSync(path.join(docs, n), 'utf8'));
// Every string in the catalogue: names, papers, steps, agencies, legal bases.
const walk = (v: unknown): void => {
  if (typeof v === 'string') texts.push(v);
  else if (Array.isArray(v)) v.forEach(walk);
  else if (v && typeof v === 'object') Object.values(v).forEach(walk);
};
walk(JSON.parse(readFileSync(path.join(root, 'data/catalogue/procedures.json'), 'utf8')));
const { words, pairs } = countLexicon(texts);
// Pairs seen once are noise for repair (a pair decides only when it is far more frequent).
const kept = Object.fromEntries(Object.entries(pairs).filter(([, n]) => n >= 2).sort());
const sorted = Object.fromEntries(Object.entries(words).sort());
writeFileSync(new URL('./lexicon.json', import.meta.url), JSON.stringify({ words: sorted, pairs: kept }) + '\n');
process.stdout.write(`lexicon: ${Object.keys(sorted).length} syllables, ${Object.keys(kept).length} pairs\n`);
