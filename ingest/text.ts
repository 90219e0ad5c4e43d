// Vietnamese text handling shared by ingestion and retrieval: NFC on the way in,
// accent folding for matching, syllable tokens and syllable pairs for the lexical index.

/** Normalise to NFC and tidy whitespace the way every extractor's output needs. */
export function nfc(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b-\u200d\ufeff]/g, '');
}

const COMBINING = /[\u0300-\u036f]/g;

/**
 * Accent folding for matching: NFD, drop combining marks, then đ→d (NFD does not
 * decompose đ), lower case. Display text keeps its diacritics; only keys are folded.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

// Letters and digits of any script: an ASCII-only class would wipe Vietnamese letters.
const WORD = /[\p{L}\p{N}]+(?:[./-][\p{L}\p{N}]+)*/gu;

/**
 * Folded syllables of a text. Document numbers such as "2458/UBND-SNV" and codes
 * such as "1.001193" stay whole so that they can be matched exactly.
 */
export function syllables(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/** Adjacent syllable pairs ("khai sinh" → "khai_sinh"): most Vietnamese terms are 2–3 syllables. */
export function bigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) out.push(`${tokens[i]}_${tokens[i + 1]}`);
  return out;
}

/** Lexical terms of a text: folded syllables plus their pairs. */
export function terms(text: string): string[] {
  const toks = syllables(text);
  return toks.concat(bigrams(toks));
}

/** True when the text carries Vietnamese diacritics (so it is surely Vietnamese, and typed with accents). */
export function hasVietnameseMarks(text: string): boolean {
  return /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i.test(
    text.normalize('NFC'),
  );
}

/** Lower-case accented syllables of a text (same tokens as `syllables`, marks kept). */
export function accentedSyllables(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+(?:[./-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** Old-style tone placement ("hoà", "thuỷ") written the new way ("hòa", "thủy"), so both compare equal. */
const OLD_TONES: Record<string, string> = { 'oà': 'òa', 'oá': 'óa', 'oả': 'ỏa', 'oã': 'õa', 'oạ': 'ọa', 'oè': 'òe', 'oé': 'óe', 'oẻ': 'ỏe', 'oẽ': 'õe', 'oẹ': 'ọe', 'uỳ': 'ùy', 'uý': 'úy', 'uỷ': 'ủy', 'uỹ': 'ũy', 'uỵ': 'ụy' };
export function newStyleTones(syllable: string): string {
  return syllable.replace(/o[àáảãạèéẻẽẹ]|u[ỳýỷỹỵ]/g, (m) => OLD_TONES[m] ?? m);
}

/** Collapse runs of blank space inside lines and runs of blank lines. */
export function tidy(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A short, stable, file-name-safe slug of a text (folded). */
export function slug(text: string, max = 60): string {
  return fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max);
}

/**
 * Folded text plus, for each folded code unit, the index of the original code unit it came
 * from: matching runs on the folded string, and what is shown is cut from the original.
 */
export function foldAligned(text: string): { folded: string; map: number[] } {
  let folded = '';
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = fold(ch);
    folded += f;
    for (let k = 0; k < f.length; k++) map.push(i);
    i += ch.length;
  }
  map.push(i); // one past the end, so an exclusive end index maps too
  return { folded, map };
}

// Words that tell English from Vietnamese typed without marks (folded; "to" is in both).
const EN_WORDS = new Set(
  ('the a an how do does i my to for of in is are be this that from as with by on and shall what which where when much long need needs ' +
    'get apply can register documents document fee fees cost take online papers required who deadline deadlines department about ask ' +
    'asks dispatch plan decision please hello hi').split(' '),
);
const VI_WORDS = new Set(
  ('lam can gi nhung giay to o dau bao nhieu mat may ngay thu tuc dang ky phi le xin cho toi nop khong duoc the nao sao hoi cua va co ' +
    'cac trong voi thuc hien theo tai ve nay so thang nam').split(' '),
);
const MARKED_SYLLABLE = /[\p{L}]*[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ][\p{L}]*/giu;

/**
 * The language of a question or a document: one rule for both. Syllables with Vietnamese marks
 * and Vietnamese function words count for Vietnamese, English function words for English; an
 * English question naming "Sở Tư pháp" or "Hà Nội" stays English, a Vietnamese one typed without
 * marks stays Vietnamese. Ties go to Vietnamese, the city's language.
 */
export function detectLanguage(text: string): 'vi' | 'en' {
  const sample = String(text ?? '').slice(0, 4000).normalize('NFC');
  let vi = sample.match(MARKED_SYLLABLE)?.length ?? 0;
  let en = 0;
  for (const w of fold(sample).match(/[a-z]+/g) ?? []) {
    if (EN_WORDS.has(w)) en++;
    if (VI_WORDS.has(w)) vi++;
  }
  return en > vi ? 'en' : 'vi';
}
