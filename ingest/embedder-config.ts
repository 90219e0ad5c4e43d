// What an embedder is configured as, and how it names itself to the index. Both embedding
// implementations import this file; it imports neither, so they stand apart.

/** What the index records about the embedder that built it; a mismatch is refused. */
export interface EmbedderIdentity {
  id: string;
  dimension: number;
}

export type EmbedderConfig =
  | { kind: 'hashing'; dimension?: number | undefined }
  | { kind: 'openai'; baseUrl: string; model: string; apiKey?: string | undefined; dimension: number }
  | { kind: 'transformers'; modelDir: string; dimension: number };

export class EmbedderConfigError extends Error {
  override readonly name = 'EmbedderConfigError';
  readonly code = 'EMBEDDER_UNAVAILABLE';
}
