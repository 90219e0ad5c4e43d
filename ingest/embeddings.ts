// Embeddings behind LangChain's `Embeddings` interface. The default needs no download:
// a feature-hashing embedder over accent-folded syllables, syllable pairs and character
// trigrams, so missing diacritics and small typos still land near the right passage.
import { Embeddings } from '@langchain/core/embeddings';
import type { EmbedderConfig, EmbedderIdentity } from './embedder-config.js';
import { syllables } from './text.js';

export { EmbedderConfigError, type EmbedderConfig, type EmbedderIdentity } from './embedder-config.js';

export interface IdentifiedEmbeddings extends EmbedderIdentity {
  embeddings: Embeddings;
}

/** FNV-1a, 32 bit: fast, stable across platforms and runs (the index depends on it). */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface HashingOptions {
  dimension?: number | undefined;
}

/**
 * Feature hashing of three views of the folded text. Weights favour syllable pairs
 * (most Vietnamese terms are two or three syllables) and keep trigrams light: they only
 * need to rescue typos, not to dominate.
 */
export class HashingEmbeddings extends Embeddings {
  readonly dimension: number;
  readonly id: string;

  constructor(options: HashingOptions = {}) {
    super({});
    this.dimension = options.dimension ?? 256;
    this.id = `hash-ngram-v1/${this.dimension}`;
  }

  embed(text: string): Float32Array {
    const v = new Float32Array(this.dimension);
    const toks = syllables(text);
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      const sign = h & 0x80000000 ? -1 : 1;
      v[h % this.dimension]! += sign * weight;
    };
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      add(`u:${t}`, 1);
      if (i + 1 < toks.length) add(`b:${t}_${toks[i + 1]}`, 1.4);
      const padded = `#${t}#`;
      if (padded.length > 4) for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.35);
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
    return v;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => Array.from(this.embed(d)));
  }

  async embedQuery(document: string): Promise<number[]> {
    return Array.from(this.embed(document));
  }
}

/**
 * Build the configured embedder. Remote and local-model embedders are optional extras:
 * their packages are loaded only when chosen, and a missing model fails at once with a
 * message that says what to install or where to put the files.
 */
export async function createEmbeddings(config: EmbedderConfig): Promise<IdentifiedEmbeddings> {
  switch (config.kind) {
    case 'hashing': {
      const e = new HashingEmbeddings({ dimension: config.dimension });
      return { id: e.id, dimension: e.dimension, embeddings: e };
    }
    case 'openai': {
      const { OpenAIEmbeddings } = await import('@langchain/openai');
      const embeddings = new OpenAIEmbeddings({
        model: config.model,
        apiKey: config.apiKey ?? 'not-needed',
        configuration: { baseURL: config.baseUrl },
        dimensions: config.dimension,
      });
      const host = new URL(config.baseUrl).host;
      return { id: `openai/${config.model}@${host}/${config.dimension}`, dimension: config.dimension, embeddings };
    }
    case 'transformers': {
      const { TransformersEmbeddings } = await import('./embeddings-transformers.js');
      const embeddings = await TransformersEmbeddings.fromFolder(config.modelDir);
      return {
        id: `transformers/${embeddings.modelName}/${config.dimension}`,
        dimension: config.dimension,
        embeddings,
      };
    }
  }
}
