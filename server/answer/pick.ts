// After an ask-back the person answers the question it asked: "số 2", "cái thứ hai", "the first
// one", or a word that only one of the choices has ("lưu động", "nước ngoài"). Buttons send the
// code; typed replies (Zalo, the widget's text box) arrive here.
import { fold } from '../../ingest/index.js';
import type { ProcedureEntry } from './knowledge.js';
import type { QueryView } from './retrieve.js';

const WORD_ORDINALS: Record<string, number> = {
  mot: 1, nhat: 1, 'dau tien': 1, dau: 1, first: 1, one: 1,
  hai: 2, nhi: 2, second: 2, two: 2,
  ba: 3, third: 3, three: 3,
  bon: 4, tu: 4, fourth: 4, four: 4,
  nam: 5, fifth: 5, five: 5,
};
const LAST = /^(?:cuoi|cuoi cung|last)$/;
// An optional lead ("số", "cái", "thủ tục", "mục", "option", "number", "the"), an optional "thứ",
// the ordinal, an optional tail ("ạ", "nhé", "one", "please"). Nothing else: a reply, not a question.
const ORDINAL = /^(?:(?:chon|lay|xem|cho (?:toi|em|minh) xem|pick|choose|show me) )?(?:(?:so|cai|thu tuc|muc|lua chon|option|number|no|the|procedure) )*(?:thu )?(\d|dau tien|cuoi cung|[a-z]+)(?: (?:a|nhe|nha|di|ah|one|please|option|procedure))*$/;

/** The choice a reply picks by its position (1-based in the ask-back), or null. */
export function ordinalPick(reply: string, choices: number): number | null {
  const f = fold(reply).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
  const m = ORDINAL.exec(f);
  if (!m) return null;
  const word = m[1]!;
  const n = /^\d$/.test(word) ? Number(word) : LAST.test(word) ? choices : WORD_ORDINALS[word];
  return n && n >= 1 && n <= choices ? n : null;
}

const MAX_REPLY_UNITS = 4;

/**
 * The one choice whose own name words (those the choices do not all share) the reply says, when
 * exactly one choice has any: "lưu động" picks "Đăng ký kết hôn lưu động" among the marriage
 * registrations. Null when none or several do.
 */
export function wordPick(choices: readonly ProcedureEntry[], q: QueryView): ProcedureEntry | null {
  // A reply that picks by a word is short; a longer one is a question of its own.
  if (choices.length < 2 || q.units.length > MAX_REPLY_UNITS) return null;
  const shared = new Set(choices[0]!.nameTokens.filter((t) => choices.every((c) => c.nameTokens.includes(t))));
  const said = new Set(q.meaning);
  const hits = choices.filter((c) => c.nameTokens.some((t) => !shared.has(t) && said.has(t)));
  return hits.length === 1 ? hits[0]! : null;
}
