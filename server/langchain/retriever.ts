// The answer engine's search as a LangChain retriever: a chain built with @langchain/core gets
// our hybrid retrieval (BM25 + vectors, accent folding, the lexicon) and Documents that carry
// the citation, so whatever it composes can still say where each fact comes from.
//
// A retriever, not a VectorStore: a VectorStore is written through (addVectors/addDocuments)
// and searched by raw vector, while our index is written only by ingestion, versioned, and
// searched by question (lexical and vector together). Wrapping it as a VectorStore would mean
// refusing half its interface and dropping the lexical half of our retrieval.
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { AnswerEngine, Citation, SearchHit } from '../../domain/contract.js';

/** What each Document's metadata holds: the fields of a contract `Citation`, plus what was found. */
export interface CitationMetadata {
  kind: SearchHit['kind'];
  /** Procedure code or document id: the record the passage belongs to. */
  id: string;
  title: string;
  /** Document number ("2458/UBND-SNV") or catalogue code ("1.001193"). */
  number?: string;
  date?: string;
  section?: string;
  url?: string;
  /** The engine's fused score, in [0, 1]: higher is better. */
  score: number;
}

export interface EngineRetrieverInput extends BaseRetrieverInput {
  engine: Pick<AnswerEngine, 'search'>;
  /** How many records to return; the engine gives one passage per record. */
  k?: number;
}

const DEFAULT_K = 4;

export class EngineRetriever extends BaseRetriever<CitationMetadata> {
  static override lc_name(): string {
    return 'EngineRetriever';
  }

  override lc_namespace = ['tthc', 'retrievers'];

  private readonly engine: Pick<AnswerEngine, 'search'>;
  readonly k: number;

  constructor(fields: EngineRetrieverInput) {
    super(fields);
    this.engine = fields.engine;
    this.k = fields.k ?? DEFAULT_K;
  }

  override async _getRelevantDocuments(query: string): Promise<Document<CitationMetadata>[]> {
    const hits = await this.engine.search(query, this.k);
    return hits.map(documentFromHit);
  }
}

/** The passage as pageContent; the citation fields as metadata (absent ones left out). */
export function documentFromHit(hit: SearchHit): Document<CitationMetadata> {
  const metadata: CitationMetadata = {
    kind: hit.kind,
    id: hit.id,
    title: hit.title,
    ...(hit.number !== undefined ? { number: hit.number } : {}),
    ...(hit.date !== undefined ? { date: hit.date } : {}),
    ...(hit.section !== undefined ? { section: hit.section } : {}),
    ...(hit.url !== undefined ? { url: hit.url } : {}),
    score: hit.score,
  };
  return new Document({ pageContent: hit.snippet, metadata, id: `${hit.id}#${hit.section ?? ''}` });
}

/** Back from a retrieved Document to the contract's `Citation`, its passage as the quote. */
export function citationFromDocument(doc: Document<CitationMetadata>): Citation {
  const { id, title, number, date, url, section } = doc.metadata;
  return {
    id,
    title,
    quote: doc.pageContent,
    ...(number !== undefined ? { number } : {}),
    ...(date !== undefined ? { date } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(section !== undefined ? { section } : {}),
  };
}
