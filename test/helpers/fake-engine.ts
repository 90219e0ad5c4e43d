// TEMPORARY stand-in for the real answer engine (test/helpers/engine.ts, from the lead) so the
// HTTP and widget tests can run meanwhile. Every answer is checked against the contract.
import { AskResponse, SearchHit } from '../../server/answer/contract.js';
import type { AnswerEngine, AskRequest } from '../../server/answer/contract.js';
import { Procedure } from '../../ingest/domain.js';

const BIRTH = Procedure.parse({
  code: '1.001193',
  name: 'Thủ tục đăng ký khai sinh',
  nameEn: 'Birth registration',
  level: ['Cấp xã'],
  field: 'Hộ tịch',
  agency: 'Ủy ban nhân dân cấp xã',
  url: 'https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193',
  papers: [
    {
      case: null,
      kind: 'submit',
      papers: [
        { name: 'Tờ khai đăng ký khai sinh theo mẫu', copies: '1 bản chính', original: 1, form: 'Tờ khai đăng ký khai sinh' },
        { name: 'Bản chính Giấy chứng sinh', copies: '1 bản chính', original: 1 },
      ],
    },
    { case: null, kind: 'present', papers: [{ name: 'Giấy tờ tùy thân của người đi đăng ký', copies: '1 bản chính', original: 1 }] },
  ],
  channels: [
    { channel: 'in-person', time: 'Ngay trong ngày làm việc', fee: 'Miễn lệ phí' },
    { channel: 'online', time: 'Ngay trong ngày làm việc', fee: 'Miễn lệ phí' },
  ],
  legalBasis: [{ title: 'Luật Hộ tịch 2014', number: '60/2014/QH13' }],
  aliases: ['làm giấy khai sinh'],
  origin: 'curated',
});

const LICENCE = { code: '1.002804', name: 'Đổi giấy phép lái xe do ngành Giao thông vận tải cấp' };

let counter = 0;

export function createFakeEngine(): AnswerEngine {
  return {
    async ask(request: AskRequest) {
      const language = request.language ?? 'vi';
      const id = `fake-${++counter}`;
      const q = request.question.toLowerCase();
      if (q.includes('khai sinh') || q.includes('birth') || q.trim() === BIRTH.code) {
        const papers = BIRTH.papers.flatMap((g) => g.papers.map((p) => `- ${p.name} (${p.copies})`));
        return AskResponse.parse({
          id,
          question: request.question,
          language,
          intent: 'procedure',
          found: true,
          answer: [
            `${BIRTH.name} (mã ${BIRTH.code}) cần các giấy tờ sau:`,
            ...papers,
            'Nộp tại Ủy ban nhân dân cấp xã hoặc trực tuyến trên Cổng Dịch vụ công quốc gia. Thời hạn giải quyết: ngay trong ngày làm việc. Miễn lệ phí.',
          ].join('\n'),
          citations: [
            {
              id: BIRTH.code,
              title: BIRTH.name,
              number: BIRTH.code,
              url: BIRTH.url,
              section: 'Thành phần hồ sơ',
              quote: 'Tờ khai đăng ký khai sinh theo mẫu; bản chính Giấy chứng sinh.',
            },
          ],
          links: [{ label: 'Nộp hồ sơ trực tuyến (Cổng Dịch vụ công quốc gia)', url: BIRTH.url }],
          procedure: {
            code: BIRTH.code,
            name: BIRTH.name,
            nameEn: BIRTH.nameEn,
            level: BIRTH.level,
            agency: BIRTH.agency,
            url: BIRTH.url,
            papers: BIRTH.papers,
            channels: BIRTH.channels,
            legalBasis: BIRTH.legalBasis,
          },
          alternatives: [LICENCE],
        });
      }
      return AskResponse.parse({
        id,
        question: request.question,
        language,
        intent: 'out-of-scope',
        found: false,
        answer:
          language === 'en'
            ? 'I could not find this in the documents I hold.'
            : 'Tôi chưa tìm thấy thông tin này trong các văn bản hiện có.',
        citations: [],
        links: [],
      });
    },
    procedure: (code) => (code === BIRTH.code ? BIRTH : undefined),
    async search(query, limit = 10) {
      const hit = SearchHit.parse({
        kind: 'procedure',
        id: BIRTH.code,
        title: BIRTH.name,
        snippet: 'Tờ khai đăng ký khai sinh theo mẫu; bản chính Giấy chứng sinh.',
        url: BIRTH.url,
        score: 1,
      });
      return query.toLowerCase().includes('khai sinh') ? [hit].slice(0, limit) : [];
    },
  };
}
