// The one answer engine every channel calls: understand the question, retrieve, compose a
// grounded answer with citations; optionally let an LLM rephrase the same facts.
import { randomUUID } from 'node:crypto';
import { type IdentifiedEmbeddings, type ResolvedUnit, resolveUnit } from '../../ingest/index.js';
import { askedUnit } from './asked-unit.js';
import type { Language } from '../../domain/records.js';
import { AskRequest, AskResponse, UnitTasks, UnitTasksRequest, type AnswerEngine, type SearchHit } from '../../domain/contract.js';
import {
  alternativesOf,
  askBackDraft,
  aspectAcrossDraft,
  fitShare,
  fitsRecord,
  missingVariant,
  nothingFound,
  procedureDraft,
  VARIANT_REACH,
  variantNotFound,
  whichUnit,
  type Draft,
} from './drafts.js';
import { greeting, truncate } from './compose.js';
import { answerDeadlines, answerTopicDeadlines, unitTaskList } from './deadlines.js';
import { answerCitedDocuments, answerDocument, askedField, documentsForQuestion, referencesBySubject } from './documents.js';
import type { Knowledge } from './knowledge.js';
import { buildLexicon, type LexiconEntry } from './lexicon.js';
import { type Phraser } from './llm.js';
import { allowedUrls, neutraliseLinksIn, stripBidi, stripMarkup } from './links.js';
import { hybridChunks, viewQuery } from './retrieve.js';
import { CHOOSE_ALL_ON, loadRankModel, searchProcedures, type ChooseSwitches, type RankModel } from './choose.js';
import { ordinalPick, wordPick } from './pick.js';
import { createSessionMemory, type SessionMemory } from './sessions.js';
import {
  detectAspect,
  detectLanguage,
  findProcedureCode,
  hasDeadlineCue,
  hasTaskCue,
  isStatement,
  isSubjectless,
  hasDocumentCue,
  asksWhichDocument,
  englishUnit,
  isGreeting,
} from './understand.js';

export interface EngineDeps {
  /** The current knowledge; swapped when a new index version is published. */
  knowledge: () => Knowledge | null;
  embedder: IdentifiedEmbeddings | null;
  /** Today's date in Hanoi, YYYY-MM-DD: deadline status depends on it. */
  today: () => string;
  sessions?: SessionMemory;
  phraser?: Phraser | null;
  lexicon?: LexiconEntry[];
  newId?: () => string;
  /** The ranker and decision model (default: the one fitted on the tune split, shipped as JSON). */
  rankModel?: RankModel;
  /** Components to switch off, for ablation in the eval; everything is on by default. */
  switches?: Partial<ChooseSwitches>;
}

export class EngineNotReadyError extends Error {
  override readonly name = 'EngineNotReadyError';
  readonly code = 'INDEX_NOT_READY';
  constructor() {
    super('The index is not loaded yet.');
  }
}

/**
 * Quoted document text may carry links planted by whoever wrote the document: only links the
 * data vouches for (record url fields, the portal roots) survive; others are blanked.
 */
function neutraliseLinks(r: AskResponse): AskResponse {
  const allowed = allowedUrls(r);
  const label = r.language === 'vi' ? '[liên kết đã ẩn]' : '[link removed]';
  const clean = (text: string) => neutraliseLinksIn(stripMarkup(text), allowed, label);
  return {
    ...r,
    answer: clean(r.answer),
    citations: r.citations.map((c) => ({ ...c, title: stripMarkup(stripBidi(c.title)), quote: clean(c.quote) })),
    ...(r.tasks ? { tasks: r.tasks.map((t) => ({ ...t, text: clean(t.text), citation: { ...t.citation, quote: clean(t.citation.quote) } })) } : {}),
    ...(r.parts ? { parts: r.parts.map((p) => ({ ...p, text: clean(p.text) })) } : {}),
    ...(r.notes ? { notes: r.notes.map(clean) } : {}),
  };
}

export function createAnswerEngine(deps: EngineDeps): AnswerEngine {
  const sessions = deps.sessions ?? createSessionMemory();
  const switches: ChooseSwitches = { ...CHOOSE_ALL_ON, ...deps.switches };
  const lexicon = switches.lexicon ? (deps.lexicon ?? buildLexicon()) : [];
  const model = deps.rankModel ?? loadRankModel();
  const newId = deps.newId ?? randomUUID;

  function need(): Knowledge {
    const k = deps.knowledge();
    if (!k) throw new EngineNotReadyError();
    return k;
  }

  async function embed(text: string): Promise<number[] | null> {
    return deps.embedder ? deps.embedder.embeddings.embedQuery(text) : null;
  }

  async function findProcedures(k: Knowledge, question: string) {
    const q = viewQuery(question, lexicon);
    const vector = switches.chunks ? await embed(q.embedText) : null;
    return { q, ...searchProcedures(k, q, vector, model, switches) };
  }

  type Decided = Draft & { procedureCode?: string | undefined; documentId?: string | undefined };

  async function decide(req: AskRequest, lang: Language, k: Knowledge): Promise<Decided> {
    const question = req.question;
    const last = req.sessionId ? await sessions.last(req.sessionId) : undefined;

    if (isGreeting(question)) return { intent: 'general', found: true, answer: greeting(lang), citations: [], links: [] };

    const code = findProcedureCode(question);
    const byCode = code ? k.procedures.get(code) : undefined;
    if (byCode) return { ...procedureDraft(k, { entry: byCode, chunks: [] }, question, lang, [], deps.today()), procedureCode: byCode.procedure.code };

    // Units: given by the channel, named in the question, or carried from the last turn.
    const { mentioned, leads: unitLeads, given } = askedUnit(question, req.unit);
    const taskCue = hasTaskCue(question);
    const deadlineCue = hasDeadlineCue(question);
    const docs = documentsForQuestion(k, question, lang);
    const followUpUnit = mentioned && last?.intent === 'deadline';
    const unit = mentioned ?? given ?? (deadlineCue && last?.unit ? resolveUnit(last.unit) : null);
    const deadlines = (u: ResolvedUnit): Decided => ({ ...answerDeadlines(k, u, docs, lang, deps.today(), { question }), unit: u.name });
    // A field of a named document's record ("ban hành năm nào", "có gửi UBND các xã không", "ai
    // ký") is answered from the record, even where a deadline cue ("ngày nào") or a unit is heard
    // too; a unit with a task cue still asks for that unit's tasks.
    if (docs.length && askedField(question) && !(unit && taskCue)) {
      const d = answerDocument(k, docs, question, lang, lexicon);
      if (d) return { ...d, documentId: docs[0]!.id };
    }
    // A named unit with a task cue, or a unit carried over in a conversation about deadlines.
    if (unit && (taskCue || followUpUnit || (docs.length > 0 && deadlineCue))) return deadlines(unit);

    // "Căn cứ pháp lý là văn bản nào?" in a conversation about a procedure asks for its legal basis.
    const continuesProcedure = last?.intent === 'procedure' && isSubjectless(viewQuery(question, lexicon).units, question);
    const whichDocument = asksWhichDocument(question) && !continuesProcedure;
    // "Công văn 2458 yêu cầu thực hiện những văn bản nào?": the documents the named one cites.
    if (docs.length && whichDocument) {
      const cited = answerCitedDocuments(k, docs[0]!, question, lang);
      if (cited) return { ...cited, documentId: docs[0]!.id };
    }
    if (whichDocument) {
      const which = referencesBySubject(k, question, lang, lexicon);
      if (which.length) {
        const d = answerDocument(k, which, question, lang, lexicon);
        if (d) return { ...d, documentId: which[0]!.id };
      }
    }

    if (docs.length && !unit && deadlineCue) {
      // "Hạn chót rà soát … theo công văn 1234 là khi nào?": the document's matching tasks.
      const topic = answerTopicDeadlines(k, question, lang, deps.today(), lexicon, docs);
      if (topic) return { ...topic, documentId: docs[0]!.id };
    }
    if (docs.length && (hasDocumentCue(question) || !deadlineCue)) {
      const d = answerDocument(k, docs, question, lang, lexicon);
      if (d) return { ...d, documentId: docs[0]!.id };
    }

    const { q, candidates, verdict } = await findProcedures(k, question);
    const lastProc = last?.procedureCode ? k.procedures.get(last.procedureCode) : undefined;
    const subjectless = isSubjectless(q.units, question);
    // The last turn asked back: "số 2", "cái thứ hai", or a word only one choice has ("lưu động")
    // picks from its choices, unless the reply clearly asks about another record.
    const offered = !lastProc && last?.candidateCodes?.length ? last.candidateCodes.flatMap((c) => k.procedures.get(c) ?? []) : [];
    if (offered.length) {
      const n = ordinalPick(question, offered.length);
      const elsewhere = verdict.kind === 'answer' && !offered.includes(verdict.best.entry);
      const chosen = n ? offered[n - 1]! : elsewhere ? null : wordPick(offered, q);
      // "số 2" asks nothing itself: the answer leads with what the ask-back's question asked.
      const aspect = detectAspect(question) === 'overview' ? last?.aspect : undefined;
      if (chosen) return { ...procedureDraft(k, { entry: chosen, chunks: [] }, question, lang, [], deps.today(), aspect), procedureCode: chosen.procedure.code };
    }
    // The last turn asked back and this one adds no subject: the choice is still open. A one-line
    // fact is given for every choice ("còn lệ phí?"); anything else offers the choices again.
    if (subjectless && offered.length) return aspectAcrossDraft(offered.map((entry) => ({ entry })), detectAspect(question), lang, deps.today());
    // A question without its own subject continues the conversation; so does one whose every word
    // fits the conversation's procedure ("phí thẩm định bao nhiêu?"). One with a subject of its own starts afresh.
    if (lastProc && (subjectless || fitsRecord(k, lastProc, q))) {
      return { ...procedureDraft(k, { entry: lastProc, chunks: [] }, question, lang, [], deps.today()), procedureCode: lastProc.procedure.code };
    }
    // Nothing fits, and the question asks about an aspect (fee, time, papers …) or only tells something
    // ("ông mất ở nhà tại phường Tây Hồ"): it continues the conversation. Words of its own that the
    // conversation's record does not know make it a new subject.
    // Offering the nearest records says as little as "not found": the conversation wins over them.
    const weak = verdict.kind === 'none' || (verdict.kind === 'ask' && verdict.nearest === true);
    if (lastProc && weak && (detectAspect(question) !== 'overview' || isStatement(question)) && fitShare(k, lastProc, q) >= 0.5) {
      return { ...procedureDraft(k, { entry: lastProc, chunks: [] }, question, lang, [], deps.today()), procedureCode: lastProc.procedure.code };
    }
    // With a unit named and only a weak cue ("khi nào", "phải"), a clear procedure wins; else the unit's deadlines.
    // Only for short questions: a citizen's letter names its ward and says "phải", "khi nào" too.
    if (unit && deadlineCue && (unitLeads || given) && q.tokens.length <= 40) return deadlines(unit);
    if (unit && deadlineCue && verdict.kind === 'none' && q.tokens.length <= 30) return deadlines(unit);

    if (verdict.kind === 'answer') {
      const best = verdict.best;
      const variant = missingVariant(best, q.cueText);
      // The decision trusted the family ("khai sinh"); within it, the question's variant decides.
      // A close runner-up that has the variant is the answer; several close ones are choices.
      const withVariant = variant ? candidates.slice(1, 5).filter((c) => best.score - c.score <= VARIANT_REACH && !missingVariant(c, q.cueText)) : [];
      if (withVariant.length === 1 || (withVariant.length > 1 && withVariant[0]!.score - withVariant[1]!.score >= 1)) {
        const chosen = withVariant[0]!;
        return { ...procedureDraft(k, chosen, question, lang, alternativesOf(chosen, candidates.filter((c) => c !== chosen)), deps.today()), procedureCode: chosen.entry.procedure.code };
      }
      if (withVariant.length > 1) return askBackDraft(withVariant.slice(0, 3), lang);
      if (variant) {
        // The question asks for a variant (e.g. with a foreign element) that the best match is not:
        // say so rather than present the plain procedure as the answer.
        return variantNotFound(lang, variant, best.entry.procedure);
      }
      const alternatives = alternativesOf(best, candidates.slice(1));
      return { ...procedureDraft(k, best, question, lang, alternatives, deps.today()), procedureCode: best.entry.procedure.code };
    }
    if (taskCue) {
      // A topic without a unit ("báo cáo quý IV phải gửi trước ngày nào?"): the matching tasks.
      const topic = answerTopicDeadlines(k, question, lang, deps.today(), lexicon);
      if (topic) return topic;
      // "hạn chót nộp tờ khai là ngày nào" in a citizen's letter: a procedure's deadline, not a task.
      if (verdict.kind === 'ask') return askBackDraft(verdict.options, lang, verdict.nearest);
      if (q.tokens.length > 40) return nothingFound(lang);
      return whichUnit(lang);
    }
    if ((!unit || !unitLeads) && deadlineCue) {
      // A topic question with a weak cue ("phải giảm bao nhiêu %", "by what date must …").
      const topic = answerTopicDeadlines(k, question, lang, deps.today(), lexicon);
      if (topic) return topic;
    }
    if (verdict.kind === 'ask') return askBackDraft(verdict.options, lang, verdict.nearest);
    return nothingFound(lang);
  }

  return {
    async ask(request) {
      const req = AskRequest.parse(request);
      const k = need();
      const lang = req.language ?? detectLanguage(req.question);
      const draft = await decide(req, lang, k);
      const { unit, procedureCode, documentId, ...rest } = draft;
      if (req.sessionId && draft.found) {
        const candidateCodes = draft.candidates?.map((c) => c.code);
        const asked = candidateCodes ? { candidateCodes, aspect: detectAspect(req.question) } : {};
        await sessions.remember(req.sessionId, { intent: draft.intent, language: lang, procedureCode, unit, documentId, ...asked, at: Date.now() });
      }
      let response: AskResponse = {
        id: newId(),
        question: req.question,
        language: lang,
        ...rest,
        ...(unit ? { unit } : {}),
        ...(draft.intent === 'procedure' ? { aspect: draft.aspect ?? detectAspect(req.question) } : {}),
        phrasedBy: 'composer',
      };
      response = neutraliseLinks(response);
      if (deps.phraser && response.found) response = await deps.phraser.rephrase(response);
      // The parts describe the composed text: an LLM's text has none (channels show it as written).
      if (response.phrasedBy === 'llm') delete response.parts;
      return AskResponse.parse(response);
    },

    async tasksFor(request) {
      const req = UnitTasksRequest.parse(request);
      const k = need();
      const lang = req.language ?? detectLanguage(req.unit);
      const en = englishUnit(req.unit);
      const unit = resolveUnit(req.unit) ?? (en ? resolveUnit(en) : null);
      if (!unit) return { unit: req.unit, known: false, language: lang, tasks: [], notes: [], links: [] };
      // The unit becomes the conversation's subject, as if its deadlines had been asked for.
      if (req.sessionId) await sessions.remember(req.sessionId, { intent: 'deadline', language: lang, unit: unit.name, at: Date.now() });
      const list = unitTaskList(k, unit, [], lang, deps.today());
      return UnitTasks.parse({ unit: unit.name, known: true, language: lang, tasks: list.tasks, notes: [...list.lead, ...list.notes], links: list.links });
    },

    procedure(code) {
      return deps.knowledge()?.procedures.get(code)?.procedure;
    },

    async search(query, limit = 10): Promise<SearchHit[]> {
      const k = need();
      const q = viewQuery(query, lexicon);
      const vector = await embed(q.embedText);
      const hits = hybridChunks(k, q, vector, { limit: limit * 4 });
      const seen = new Set<string>();
      const out: SearchHit[] = [];
      for (const h of hits) {
        if (seen.has(h.chunk.sourceId)) continue;
        seen.add(h.chunk.sourceId);
        const doc = h.chunk.kind === 'document' ? k.documents.get(h.chunk.sourceId) : undefined;
        const url = h.chunk.kind === 'procedure' ? k.procedures.get(h.chunk.sourceId)?.procedure.url : doc?.url;
        const number = h.chunk.kind === 'procedure' ? h.chunk.sourceId : doc?.number;
        out.push({
          kind: h.chunk.kind,
          id: h.chunk.sourceId,
          title: h.chunk.title,
          ...(number ? { number } : {}),
          ...(doc?.date ? { date: doc.date } : {}),
          section: h.chunk.section,
          snippet: truncate(h.chunk.text, 240),
          ...(url ? { url } : {}),
          score: Number(h.score.toFixed(4)),
        });
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
