// Which source already holds a document: by content hash, then by the document's own id (its
// number and year). Used by the pipeline so that the same document under two paths is indexed once.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LoadResult } from '../domain/records.js';
import type { SourceEntry } from './store.js';

/**
 * A document's identity is its content and its number, not its path: pointing DATA_DIR at a copy
 * of data/ (or dropping a second copy of a dispatch) must not index everything twice. The first
 * holder of a content hash or of a full document's id keeps it while its file is still there.
 */
export function createIdentity(prevSources: Record<string, SourceEntry>, fresh: ReadonlyMap<string, { entry: SourceEntry }>, baseDir: string) {
  const exists = (rel: string) => fs.stat(path.resolve(baseDir, rel)).then((st) => st.isFile(), () => false);
  const holder = async (rel: string | undefined): Promise<string | undefined> => (rel && (fresh.has(rel) || (await exists(rel))) ? rel : undefined);
  return {
    sameContent(hash: string): Promise<string | undefined> {
      for (const [rel, d] of fresh) if (d.entry.hash === hash) return Promise.resolve(rel);
      return holder(Object.entries(prevSources).find(([, e]) => e.hash === hash)?.[0]);
    },
    async sameDocuments(result: LoadResult): Promise<string | undefined> {
      // Only full documents carry an identity by number; references and catalogues merge by their own keys.
      const ids = result.documents.map((d) => d.id);
      if (!ids.length || result.references.length || result.procedures.length) return undefined;
      const owns = (e: SourceEntry) => e.kind === 'document' && ids.every((id) => e.documentIds.includes(id));
      for (const [rel, d] of fresh) if (owns(d.entry)) return rel;
      return holder(Object.entries(prevSources).find(([rel, e]) => !fresh.has(rel) && owns(e))?.[0]);
    },
  };
}
