// The stack a LangChain design would naively build: @langchain/community's HNSWLib vector store
// (hnswlib-node underneath, its default graph settings, cosine space) with the same hashing
// embedder and vectors as ours; vectors only, no lexical half.
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import type { Embeddings } from '@langchain/core/embeddings';
import { CHUNK_LIMIT, distinctCodes, type Peer, type PeerDoc } from './types.js';

export function langchainPeer(embeddings: Embeddings): Peer {
  // numDimensions is taken from the first vectors added, as HNSWLib.fromDocuments does.
  const store = new HNSWLib(embeddings, { space: 'cosine' });
  return {
    name: 'LangChain + HNSWLib',
    async build(docs: readonly PeerDoc[]) {
      await store.addVectors(
        docs.map((d) => d.vector),
        docs.map((d) => new Document({ pageContent: d.text, metadata: { code: d.code, kind: d.kind } })),
      );
    },
    async rank(_question, vector, limit) {
      // HNSWLib filters inside the graph search (hnswlib's filter callback), so 60 procedure
      // chunks come back even when documents are nearer.
      const hits = await store.similaritySearchVectorWithScore(vector, CHUNK_LIMIT, (doc: Document) => doc.metadata['kind'] === 'procedure');
      return distinctCodes(hits.map(([doc]) => doc.metadata['code'] as string), limit);
    },
  };
}
