// MiniSearch, BM25 over whole words, default options; given accent-folded text (and queries)
// so that questions typed without diacritics match as they do for us.
import MiniSearch from 'minisearch';
import { fold } from '../../ingest/index.js';
import { CHUNK_LIMIT, distinctCodes, type Peer, type PeerDoc } from './types.js';

export function miniSearchPeer(): Peer {
  let index: MiniSearch<{ id: number; text: string; code: string; kind: string }> | null = null;
  return {
    name: 'MiniSearch',
    async build(docs: readonly PeerDoc[]) {
      index = new MiniSearch({ fields: ['text'], storeFields: ['code', 'kind'] });
      index.addAll(docs.map((d) => ({ id: d.id, text: fold(d.text), code: d.code, kind: d.kind })));
    },
    async rank(question, _vector, limit) {
      if (!index) throw new Error('MiniSearch peer used before build');
      const hits = index.search(fold(question), { filter: (r) => r['kind'] === 'procedure' });
      return distinctCodes(hits.slice(0, CHUNK_LIMIT).map((h) => h['code'] as string), limit);
    },
  };
}
