// Document metadata read from the official layout (Decree 30/2020/NĐ-CP).
// PLACEHOLDER signature: the full implementation replaces this body.
import type { DocumentMeta, OfficialDocument } from './domain.js';
import { slug } from './text.js';

export interface BuildDocumentInput {
  text: string; // NFC
  sourcePath: string; // relPath of the source file
  overrides?: Partial<DocumentMeta>; // front matter / sidecar, wins over the layout
}

export function buildDocument(input: BuildDocumentInput): OfficialDocument {
  const title = input.overrides?.title ?? input.sourcePath;
  return {
    id: input.overrides?.id ?? slug(input.sourcePath),
    title,
    addressees: [],
    recipients: [],
    language: 'vi',
    summaryOnly: false,
    ...input.overrides,
    text: input.text,
    sourcePath: input.sourcePath,
  };
}
