// The engine as a LangChain retriever, run inside a runnable chain over the real index of data/:
// retriever → format the passages → a chat model (LangChain's echoing fake, so the prompt it was
// given is what comes out) → the grounded answer with its citations in the contract's shape.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Document } from '@langchain/core/documents';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { FakeChatModel } from '@langchain/core/utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Citation, type AnswerEngine } from '../../../domain/contract.js';
import { citationFromDocument, EngineRetriever, type CitationMetadata } from '../../../server/langchain/retriever.js';
import { buildTestEngine, projectRoot } from '../../helpers/engine.js';

let engine: AnswerEngine;
beforeAll(async () => {
  ({ engine } = await buildTestEngine());
});

async function catalogueRecord(code: string): Promise<{ code: string; name: string; url: string }> {
  const file = JSON.parse(await readFile(path.join(projectRoot, 'data/catalogue/procedures.json'), 'utf8')) as { procedures: { code: string; name: string; url: string }[] };
  const record = file.procedures.find((p) => p.code === code);
  if (!record) throw new Error(`${code} is not in data/catalogue/procedures.json`);
  return record;
}

async function citedDocument(id: string): Promise<{ id: string; number: string; title: string; date?: string }> {
  const file = JSON.parse(await readFile(path.join(projectRoot, 'data/documents/references.json'), 'utf8')) as { documents: { id: string; number: string; title: string; date?: string }[] };
  const record = file.documents.find((d) => d.id === id);
  if (!record) throw new Error(`${id} is not in data/documents/references.json`);
  return record;
}

/** Numbered passages, each headed by what a reader would cite: number, title, section. */
function formatDocuments(docs: Document<CitationMetadata>[]): string {
  return docs
    .map((d, i) => `[${i + 1}] ${d.metadata.number ?? d.metadata.id} — ${d.metadata.title} (${d.metadata.section ?? ''})\n${d.pageContent}`)
    .join('\n\n');
}

function groundedChain(retriever: EngineRetriever) {
  const prompt = ChatPromptTemplate.fromMessages([
    ['system', 'Trả lời chỉ dựa trên các đoạn trích dưới đây và ghi số hiệu nguồn [n].\n\n{context}'],
    ['human', '{question}'],
  ]);
  const phrase = RunnableSequence.from([
    (input: { question: string; documents: Document<CitationMetadata>[] }) => ({ question: input.question, context: formatDocuments(input.documents) }),
    prompt,
    new FakeChatModel({}),
    new StringOutputParser(),
  ]);
  return RunnableSequence.from([
    { question: new RunnablePassthrough<string>(), documents: retriever },
    RunnablePassthrough.assign({ answer: phrase }),
    (r: { answer: string; documents: Document<CitationMetadata>[] }) => ({ answer: r.answer, citations: r.documents.map(citationFromDocument) }),
  ]);
}

describe('EngineRetriever in a runnable chain', () => {
  it('cites the procedure by its catalogue code, title, section and portal link', async () => {
    const expected = await catalogueRecord('1.001193');
    const chain = groundedChain(new EngineRetriever({ engine, k: 3 }));

    const { answer, citations } = await chain.invoke('đăng ký khai sinh cần giấy tờ gì');

    expect(citations.length).toBeGreaterThan(0);
    expect(citations.length).toBeLessThanOrEqual(3);
    for (const c of citations) expect(Citation.safeParse(c).success).toBe(true);
    const birth = citations.find((c) => c.id === expected.code);
    expect(birth).toMatchObject({ number: expected.code, title: expected.name, url: expected.url });
    expect(birth?.section).toBeTruthy();
    expect(birth?.quote).toContain('khai sinh');
    // The model was given the passage under its citation.
    expect(answer).toContain(`${expected.code} — ${expected.name}`);
  });

  it('cites an official document by its number and date, not only its id', async () => {
    const expected = await citedDocument('136-kh-ubnd-2021');
    const chain = groundedChain(new EngineRetriever({ engine, k: 5 }));

    const { answer, citations } = await chain.invoke('Kế hoạch 136/KH-UBND cải cách hành chính nhà nước giai đoạn 2021 - 2025');

    const plan = citations.find((c) => c.id === expected.id);
    expect(plan).toMatchObject({ number: expected.number, title: expected.title, date: expected.date });
    expect(answer).toContain(`${expected.number} — ${expected.title}`);
  });
});

describe('EngineRetriever on its own', () => {
  it('returns Documents for a question typed without diacritics, at most k of them, best first', async () => {
    const docs = await new EngineRetriever({ engine, k: 2 }).invoke('dang ky khai sinh');

    expect(docs.length).toBe(2);
    expect(docs[0]?.metadata).toMatchObject({ kind: 'procedure', id: '1.001193', number: '1.001193' });
    expect(docs[0]!.metadata.score).toBeGreaterThanOrEqual(docs[1]!.metadata.score);
  });
});
