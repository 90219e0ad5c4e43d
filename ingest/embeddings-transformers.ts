// Optional: a sentence-embedding model from a local folder through transformers.js,
// fully offline (no hub). The package is not a dependency; an operator who wants it
// installs it (`npm i @huggingface/transformers`, with onnxruntime-node's script off).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import { EmbedderConfigError } from './embedder-config.js';
import { nfc } from './text.js';

type FeatureExtractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ tolist(): number[][] }>;

export class TransformersEmbeddings extends Embeddings {
  private constructor(
    readonly modelName: string,
    private readonly extract: FeatureExtractor,
  ) {
    super({});
  }

  static async fromFolder(modelDir: string): Promise<TransformersEmbeddings> {
    if (!existsSync(modelDir)) {
      throw new EmbedderConfigError(`Model folder not found: ${modelDir}. Put an ONNX sentence-embedding model there (e.g. multilingual-e5-small).`);
    }
    const pkg = '@huggingface/transformers';
    let mod: { env: Record<string, unknown>; pipeline: (task: string, model: string, opts?: object) => Promise<FeatureExtractor> };
    try {
      mod = (await import(pkg)) as typeof mod;
    } catch (cause) {
      throw new EmbedderConfigError(
        'EMBEDDINGS=transformers needs the optional package @huggingface/transformers: run `ONNXRUNTIME_NODE_INSTALL=skip npm i @huggingface/transformers`.',
        { cause },
      );
    }
    // Never reach for a model hub: the machine is offline by design.
    mod.env.allowRemoteModels = false;
    mod.env.localModelPath = path.dirname(path.resolve(modelDir));
    const name = path.basename(path.resolve(modelDir));
    const extract = await mod.pipeline('feature-extraction', name, { dtype: 'q8' });
    return new TransformersEmbeddings(name, extract);
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    // e5-style models expect role prefixes; NFC first or Vietnamese becomes [UNK].
    const out = await this.extract(documents.map((d) => `passage: ${nfc(d)}`), { pooling: 'mean', normalize: true });
    return out.tolist();
  }

  async embedQuery(document: string): Promise<number[]> {
    const out = await this.extract([`query: ${nfc(document)}`], { pooling: 'mean', normalize: true });
    return out.tolist()[0] ?? [];
  }
}
