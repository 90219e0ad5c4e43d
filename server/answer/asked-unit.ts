// Which unit a question is about: named in it (in Vietnamese or English), given by the channel,
// or carried from the conversation. Where a unit is named matters as much as which: the unit
// that opens the question is its subject; one a report is sent to ("gửi … về Văn phòng UBND
// Thành phố") receives; a ward after "ở / tại" is where the asker lives.
import { findUnitMentions, fold, type ResolvedUnit, resolveUnit } from '../../ingest/index.js';
import { englishUnit, withoutSalutation } from './understand.js';

export interface AskedUnit {
  /** The unit named as the question's subject, if any. */
  mentioned: ResolvedUnit | null;
  /** Whether that unit opens the question ("Sở Tư pháp phải …") rather than being named in passing. */
  leads: boolean;
  /** The unit the channel says the asker belongs to. */
  given: ResolvedUnit | null;
}

export function askedUnit(question: string, channelUnit?: string): AskedUnit {
  const asked = withoutSalutation(question);
  const en = englishUnit(asked);
  const folded = fold(asked);
  const before = (m: string, span: number) => {
    const at = folded.indexOf(fold(m));
    return at > 0 ? folded.slice(Math.max(0, at - span), at) : null;
  };
  const receiving = (m: string) => /\b(?:ve|gui|toi|den|len|nop cho|to)\s*$/.test(before(m, 10) ?? '');
  const placed = (m: string) => /^(?:phuong|xa|thi tran)\b/.test(fold(m)) && /\b(?:o|tai)\s*$/.test(before(m, 5) ?? '');
  const mentions = [...(en ? [en] : []), ...findUnitMentions(asked).filter((m) => !receiving(m) && !placed(m))];
  const mentioned =
    mentions
      .map((m) => resolveUnit(m))
      // The City People's Committee issues dispatches; named in a question it is the issuer, not the asker.
      .find((u): u is ResolvedUnit => u !== null && u.kind !== 'ubnd-thanh-pho') ?? null;
  const leads =
    !!en ||
    mentions.some((m) => {
      const at = folded.indexOf(fold(m));
      return at >= 0 && at <= 12;
    });
  return { mentioned, leads, given: channelUnit ? resolveUnit(channelUnit) : null };
}
