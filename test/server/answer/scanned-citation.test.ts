// A document read by OCR says so wherever an answer cites it: its text may hold the scanner's slips.
import { describe, expect, it } from 'vitest';
import type { StoredDocument } from '../../../ingest/index.js';
import { citationOf } from '../../../server/answer/documents.js';

const doc: StoredDocument = {
  id: '3107-ubnd-kstthc-2026',
  number: '3107/UBND-KSTTHC',
  title: 'Công văn 3107/UBND-KSTTHC: V/v đẩy mạnh giải quyết thủ tục hành chính trực tuyến',
  date: '2026-10-10',
  addressees: [],
  recipients: [],
  language: 'vi',
  summaryOnly: false,
  source: 'data/scan.pdf',
};

describe('citations of scanned documents', () => {
  it('marks a document read by OCR "(bản quét, nhận dạng tự động)"', () => {
    const scanned = { ...doc, ocr: { engine: 'tesseract (vie)', pages: [1, 2], confidence: 95, lowConfidencePages: [], uncertain: [] } };
    expect(citationOf(scanned, null, 'Sở Nội vụ chủ trì …').title).toBe(`${doc.title} (bản quét, nhận dạng tự động)`);
  });

  it('leaves a born-digital document as it is', () => {
    expect(citationOf(doc, null, 'Sở Nội vụ chủ trì …').title).toBe(doc.title);
  });
});
