// LangChain's in-memory vector store: exact cosine over every vector, as shipped
// (@langchain/classic MemoryVectorStore), with the same hashing embedder.
import { Document } from '@langchain/core/documents';
import type { Embeddings } from '@langchain/core/embeddings';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { CHUNK_LIMIT, distinctCodes, type Peer, type PeerDoc } from './types.js';

export function langchainPeer(embeddings: Embeddings): Peer {
  const store = new MemoryVectorStore(embeddings);
  return {
    name: 'LangChain memory',
    async build(docs: readonly PeerDoc[]) {
      await store.addVectors(
        docs.map((d) => d.vector),
        docs.map((d) => new Document({ pageContent: d.text, metadata: { code: d.code, kind: d.kind } })),
      );
    },
    async rank(_question, vector, limit) {
      const hits = await store.similaritySearchVectorWithScore(vector, CHUNK_LIMIT, (doc: Document) => doc.metadata['kind'] === 'procedure');
      return distinctCodes(hits.map(([doc]) => doc.metadata['code'] as string), limit);
    },
  };
}
