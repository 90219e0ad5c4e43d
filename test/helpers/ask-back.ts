// An engine that asks back on one question, as the real engine does when two or three records
// fit about equally, and is the real engine otherwise: channels are tested on an ask-back
// whatever today's ranking model decides. Candidates are real records, so picking one answers it.
import { randomUUID } from 'node:crypto';
import { PORTAL_SEARCH } from '../../server/answer/compose.js';
import type { AnswerEngine, AskResponse } from '../../domain/contract.js';

export function askingBackOn(engine: AnswerEngine, question: string, codes: readonly string[]): AnswerEngine {
  const records = codes.map((code) => {
    const p = engine.procedure(code);
    if (!p) throw new Error(`no procedure ${code} in the test data`);
    return p;
  });
  return {
    async ask(request) {
      if (request.question !== question) return engine.ask(request);
      const language = request.language ?? 'vi';
      const response: AskResponse = {
        id: randomUUID(),
        question,
        language,
        intent: 'procedure',
        found: true,
        answer: ['Bạn hỏi về thủ tục nào dưới đây?', ...records.map((p, i) => `${i + 1}. ${p.name} (mã ${p.code})`)].join('\n'),
        citations: records.map((p) => ({ id: p.code, title: p.name, number: p.code, ...(p.url ? { url: p.url } : {}), quote: p.name })),
        links: [{ label: 'Tra cứu thủ tục trên Cổng Dịch vụ công quốc gia', url: PORTAL_SEARCH }],
        candidates: records.map((p) => ({ code: p.code, name: p.name, level: p.level })),
        phrasedBy: 'composer',
      };
      return response;
    },
    procedure: (code) => engine.procedure(code),
    search: (query, limit) => engine.search(query, limit),
    tasksFor: (request) => engine.tasksFor(request),
  };
}
