// Orama 3, its hybrid search: BM25 full text + exact vector similarity over the same 256-dim
// hashing vectors. Text and queries are accent-folded (Orama's tokenizer splits Vietnamese
// letters it does not know); the similarity floor is our own (cosine ≥ 0.2).
import { create, insertMultiple, search, type AnyOrama } from '@orama/orama';
import { fold } from '../../ingest/index.js';
import { CHUNK_LIMIT, distinctCodes, type Peer, type PeerDoc } from './types.js';

export function oramaPeer(dimension: number): Peer {
  let db: AnyOrama | null = null;
  return {
    name: 'Orama',
    async build(docs: readonly PeerDoc[]) {
      db = create({ schema: { text: 'string', code: 'string', kind: 'enum', embedding: `vector[${dimension}]` } as const });
      await insertMultiple(
        db,
        docs.map((d) => ({ id: String(d.id), text: fold(d.text), code: d.code, kind: d.kind, embedding: d.vector })),
        1000,
      );
    },
    async rank(question, vector, limit) {
      if (!db) throw new Error('Orama peer used before build');
      const res = await search(db, {
        mode: 'hybrid',
        term: fold(question),
        properties: ['text'],
        vector: { value: vector, property: 'embedding' },
        similarity: 0.2,
        where: { kind: { eq: 'procedure' } },
        limit: CHUNK_LIMIT,
      });
      return distinctCodes(res.hits.map((h) => String(h.document['code'])), limit);
    },
  };
}
