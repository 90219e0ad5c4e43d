// The lexicon of administrative Vietnamese that OCR repair checks diacritics against: syllable
// and syllable-pair counts from the bundled documents and the catalogue (lexicon.json, written by
// `npx tsx ingest/ocr/build-lexicon.ts`).
import { readFileSync } from 'node:fs';
import { fold } from '../text.js';

export interface Lexicon {
  /** How often a syllable (lower case, NFC) occurs. */
  count(word: string): number;
  /** How often a pair of syllables occurs ("hồ sơ"). */
  pairCount(a: string, b: string): number;
  /** Syllables that fold to `folded`, most frequent first. */
  byFold(folded: string): readonly string[];
  /** Pairs that fold to `a b`, most frequent first. */
  pairsByFold(a: string, b: string): readonly string[];
}

export interface LexiconData {
  words: Record<string, number>;
  pairs: Record<string, number>;
}

const SYLLABLE = /[\p{L}]+/gu;

/** Counts over texts: every syllable, and every pair of syllables adjacent within a line. */
export function countLexicon(texts: Iterable<string>): LexiconData {
  const words: Record<string, number> = {};
  const pairs: Record<string, number> = {};
  for (const text of texts) {
    for (const line of text.normalize('NFC').toLowerCase().split(/[\n.,;:!?()"“”]+/)) {
      const ws = line.match(SYLLABLE) ?? [];
      for (let i = 0; i < ws.length; i++) {
        words[ws[i]!] = (words[ws[i]!] ?? 0) + 1;
        if (i > 0) pairs[`${ws[i - 1]} ${ws[i]}`] = (pairs[`${ws[i - 1]} ${ws[i]}`] ?? 0) + 1;
      }
    }
  }
  return { words, pairs };
}

export function createLexicon(data: LexiconData): Lexicon {
  const byFold = new Map<string, string[]>();
  const pairsByFold = new Map<string, string[]>();
  const index = (map: Map<string, string[]>, counts: Record<string, number>) => {
    for (const w of Object.keys(counts)) {
      const k = fold(w);
      const list = map.get(k);
      if (list) list.push(w);
      else map.set(k, [w]);
    }
    for (const list of map.values()) list.sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0));
  };
  index(byFold, data.words);
  index(pairsByFold, data.pairs);
  return {
    count: (w) => data.words[w] ?? 0,
    pairCount: (a, b) => data.pairs[`${a} ${b}`] ?? 0,
    byFold: (f) => byFold.get(f) ?? [],
    pairsByFold: (a, b) => pairsByFold.get(`${fold(a)} ${fold(b)}`) ?? [],
  };
}

/** The bundled lexicon, shipped beside this file. */
export function loadBundledLexicon(file: URL = new URL('./lexicon.json', import.meta.url)): Lexicon {
  return createLexicon(JSON.parse(readFileSync(file, 'utf8')) as LexiconData);
}
