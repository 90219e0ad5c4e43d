// What every retriever in the comparison is given and asked: the same chunks with the same
// 256-dim hashing vectors; a question in, an ordered list of procedure codes out.

export interface PeerDoc {
  id: number;
  /** The chunk's source: a procedure code for procedure chunks. */
  code: string;
  kind: 'procedure' | 'document';
  /** Title + text, exactly what our index embeds and indexes (pipeline's indexedText). */
  text: string;
  vector: number[];
}

export interface Peer {
  readonly name: string;
  /** Index the chunks (vectors given: embedding time is not the peer's). */
  build(docs: readonly PeerDoc[]): Promise<void>;
  /** Distinct procedure codes, in the order their chunks were retrieved. */
  rank(question: string, queryVector: number[], limit: number): Promise<string[]>;
}

/**
 * Title + text of a chunk: the same as ingest/pipeline.ts `indexedText`, restated here so that
 * a phase need not import the pipeline (its loaders alone weigh ~190 MB of RSS).
 */
export function chunkText(c: { title: string; text: string }): string {
  return `${c.title}\n${c.text}`;
}

/** How many procedure chunks a peer retrieves per question: what our hybridChunks fuses (60). */
export const CHUNK_LIMIT = 60;

export function distinctCodes(codes: Iterable<string>, limit: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const c of codes) {
    if (seen.has(c)) continue;
    seen.add(c);
    out.push(c);
    if (out.length >= limit) break;
  }
  return out;
}
