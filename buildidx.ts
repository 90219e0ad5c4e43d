import { createFileIndexStore, runIngest, createEmbeddings } from './ingest/index.js';
const store = createFileIndexStore(process.argv[2]!);
const embedder = await createEmbeddings({ kind: 'hashing' });
const s = await runIngest({ store, embedder, paths: ['data', '/work/shared/data/tthc-portal'], baseDir: process.cwd(), rebuild: true });
console.log(s.chunks, s.elapsedMs);
