// Request and response examples for the OpenAPI document, keyed by "METHOD /path" as routes
// are registered. Facts in them come from data/ (procedure 1.001193 of the catalogue); the
// spec test parses each example with the route's own schema, so they cannot drift.

export interface OperationExamples {
  request?: unknown;
  responses?: Record<string, unknown>;
}

const ASK_REQUEST = { question: 'Làm giấy khai sinh cần gì?', language: 'vi', sessionId: 'phien-1234' };
const BIRTH_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7';

const ASK_RESPONSE = {
  id: 'a-7f3c2e',
  question: 'Làm giấy khai sinh cần gì?',
  language: 'vi',
  intent: 'procedure',
  found: true,
  aspect: 'papers',
  answer: 'Thủ tục đăng ký khai sinh (cấp xã). Hồ sơ cần nộp: Tờ khai đăng ký khai sinh theo mẫu (1 bản chính); Giấy chứng sinh (1 bản chính). Nộp tại Ủy ban nhân dân phường, xã nơi cư trú; miễn phí. [1.001193, Thành phần hồ sơ]',
  citations: [
    {
      id: '1.001193',
      title: 'Thủ tục đăng ký khai sinh',
      number: '1.001193',
      url: BIRTH_URL,
      section: 'Thành phần hồ sơ',
      quote: 'Tờ khai đăng ký khai sinh theo mẫu (nộp trực tiếp hoặc qua bưu chính) — 1 bản chính',
    },
  ],
  links: [{ label: 'Thủ tục đăng ký khai sinh trên Cổng Dịch vụ công quốc gia', url: BIRTH_URL }],
  procedure: {
    code: '1.001193',
    name: 'Thủ tục đăng ký khai sinh',
    nameEn: 'Birth registration',
    level: ['Cấp xã'],
    agency: 'Ủy ban nhân dân phường, xã nơi cư trú (Bộ phận một cửa / Trung tâm Phục vụ hành chính công)',
    url: BIRTH_URL,
    papers: [
      {
        case: null,
        kind: 'submit',
        papers: [
          { name: 'Tờ khai đăng ký khai sinh theo mẫu (nộp trực tiếp hoặc qua bưu chính)', copies: '1 bản chính', original: 1 },
          { name: 'Giấy chứng sinh; nếu không có thì văn bản của người làm chứng xác nhận về việc sinh, hoặc giấy cam đoan về việc sinh', copies: '1 bản chính', original: 1 },
        ],
      },
    ],
    channels: [{ channel: 'in-person', time: '', fee: 'Miễn phí' }],
    legalBasis: [],
  },
  phrasedBy: 'composer',
};

const ERROR_401 = { code: 'UNAUTHORIZED', message: 'Cần mã truy cập quản trị hợp lệ.' };
const ERROR_400 = { code: 'BAD_REQUEST', message: 'Yêu cầu không hợp lệ: question: Too small: expected string to have >=1 characters' };

export const EXAMPLES: Record<string, OperationExamples> = {
  'POST /api/ask': { request: ASK_REQUEST, responses: { '200': ASK_RESPONSE, '400': ERROR_400 } },
  'POST /api/ask/stream': { request: ASK_REQUEST },
  'POST /api/feedback': { request: { answerId: 'a-7f3c2e', helpful: false, comment: 'Thiếu lệ phí khi nộp trực tuyến' }, responses: { '201': { ok: true } } },
  'GET /api/search': {
    responses: {
      '200': {
        query: 'khai sinh',
        hits: [{ kind: 'procedure', id: '1.001193', title: 'Thủ tục đăng ký khai sinh', section: 'Tên thủ tục', snippet: 'Thủ tục đăng ký khai sinh (cấp xã)', url: BIRTH_URL, score: 0.92 }],
      },
    },
  },
  'GET /api/procedures/:code': { responses: { '404': { code: 'PROCEDURE_NOT_FOUND', message: 'Không tìm thấy thủ tục hành chính có mã 9.999999.' } } },
  'POST /admin/ingest': { responses: { '202': { jobId: '5b1e0c9a-2f4d-4c51-9a57-0d6f1e2b3c4d' }, '401': ERROR_401, '409': { code: 'INGEST_BUSY', message: 'Một lượt cập nhật dữ liệu đang chạy; vui lòng chờ lượt đó kết thúc.' } } },
  'GET /admin/ingest/:id': {
    responses: {
      '200': {
        id: '5b1e0c9a-2f4d-4c51-9a57-0d6f1e2b3c4d',
        status: 'succeeded',
        startedAt: '2026-11-27T03:00:00.000Z',
        finishedAt: '2026-11-27T03:00:12.000Z',
        progress: { phase: 'done', done: 1, total: 1 },
        summary: {
          published: true,
          added: ['ke-hoach-15.docx'],
          updated: [],
          unchanged: 5,
          removed: [],
          failed: [{ file: 'hong.docx', code: 'UNREADABLE', reason: 'hong.docx: not a readable DOCX file. / Tệp DOCX bị hỏng hoặc không phải DOCX.' }],
          documents: 7,
          procedures: 120,
        },
      },
    },
  },
  'GET /admin/documents': {
    responses: {
      '200': {
        documents: [
          { id: '2458-ubnd-snv-2023', title: 'Công văn 2458/UBND-SNV về tập trung thực hiện nhiệm vụ cải cách hành chính', number: '2458/UBND-SNV', kind: 'document', file: '2458-UBND-SNV-2023.vi.md', removable: false, status: 'indexed' },
          { id: 'pending:ke-hoach-15.docx', title: 'ke-hoach-15.docx', kind: 'document', file: 'ke-hoach-15.docx', removable: true, status: 'pending' },
        ],
      },
      '401': ERROR_401,
    },
  },
  'GET /admin/unanswered': { responses: { '200': { questions: [{ question: 'thủ tục nuôi chim bồ câu', language: 'vi', at: '2026-11-27T03:05:00.000Z', count: 2 }] } } },
  'GET /admin/feedback': {
    responses: {
      '200': { total: 1, helpful: 0, notHelpful: 1, recent: [{ answerId: 'a-7f3c2e', question: 'Làm giấy khai sinh cần gì?', helpful: false, comment: 'Thiếu lệ phí khi nộp trực tuyến', at: '2026-11-27T03:05:00.000Z' }] },
    },
  },
};
