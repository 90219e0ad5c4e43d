// Reading a question: language, aspect, greetings, codes, document numbers and English unit names.
import { describe, expect, it } from 'vitest';
import {
  asksWhichDocument,
  detectAspect,
  detectLanguage,
  englishUnit,
  findBareDocumentNumber,
  findDocumentNumbers,
  findProcedureCode,
  hasDeadlineCue,
  hasTaskCue,
  isGreeting,
  isStatement,
  isSubjectless,
  withoutSalutation,
} from '../../../server/answer/understand.js';
import { buildLexicon } from '../../../server/answer/lexicon.js';
import { viewQuery } from '../../../server/answer/retrieve.js';

describe('detectLanguage', () => {
  it('reads Vietnamese with diacritics', () => {
    expect(detectLanguage('Làm giấy khai sinh cần những gì?')).toBe('vi');
    expect(detectLanguage('Đổi bằng lái xe ở đâu')).toBe('vi');
  });

  it('reads Vietnamese typed without diacritics', () => {
    expect(detectLanguage('lam giay khai sinh can nhung giay to gi')).toBe('vi');
    expect(detectLanguage('le phi lam ho chieu bao nhieu')).toBe('vi');
  });

  it('reads English', () => {
    expect(detectLanguage('How do I register a birth?')).toBe('en');
    expect(detectLanguage('What documents do I need to apply for a passport?')).toBe('en');
  });
});

describe('detectAspect', () => {
  it.each([
    ['Lệ phí làm hộ chiếu bao nhiêu?', 'fee'],
    ['How much does a passport cost?', 'fee'],
    ['Làm hộ chiếu mất bao lâu?', 'time'],
    ['How long does birth registration take?', 'time'],
    ['Có nộp trực tuyến được không?', 'online'],
    ['Đổi bằng lái xe ở đâu?', 'where'],
    ['Where do I file it?', 'where'],
    ['Làm giấy khai sinh cần giấy tờ gì?', 'papers'],
    ['What papers are required?', 'papers'],
    ['Căn cứ pháp lý của thủ tục này', 'legal'],
    ['đăng ký kết hôn', 'overview'],
  ] as const)('%s → %s', (q, aspect) => {
    expect(detectAspect(q)).toBe(aspect);
  });

  it('works on questions typed without diacritics', () => {
    expect(detectAspect('le phi bao nhieu')).toBe('fee');
    expect(detectAspect('nop o dau')).toBe('where');
  });
});

describe('isGreeting', () => {
  it('recognises short greetings in both languages', () => {
    expect(isGreeting('Xin chào')).toBe(true);
    expect(isGreeting('chào bạn')).toBe(true);
    expect(isGreeting('Hello!')).toBe(true);
    expect(isGreeting('Bạn làm được gì?')).toBe(true);
  });

  it('does not take a real question that starts with a greeting for one', () => {
    expect(isGreeting('Xin chào, cho tôi hỏi làm giấy khai sinh cho con cần những giấy tờ gì ạ')).toBe(false);
    expect(isGreeting('Làm hộ chiếu cần gì')).toBe(false);
  });
});

describe('findProcedureCode', () => {
  it('finds a catalogue code', () => {
    expect(findProcedureCode('1.001193')).toBe('1.001193');
    expect(findProcedureCode('cho tôi xem thủ tục 2.000635 nhé')).toBe('2.000635');
  });

  it('finds none in an ordinary question or a date', () => {
    expect(findProcedureCode('làm giấy khai sinh cần gì')).toBeUndefined();
    expect(findProcedureCode('hạn ngày 31.12.2023')).toBeUndefined();
  });
});

describe('document numbers', () => {
  it('finds full numbers of every official form', () => {
    expect(findDocumentNumbers('Công văn 2458/UBND-SNV yêu cầu gì?')).toEqual(['2458/UBND-SNV']);
    expect(findDocumentNumbers('Nghị quyết 20/2022/NQ-HĐND quy định gì')).toEqual(['20/2022/NQ-HĐND']);
    expect(findDocumentNumbers('Chương trình 01-CTr/TU của Thành ủy')).toEqual(['01-CTr/TU']);
    expect(findDocumentNumbers('Kế hoạch 136/KH-UBND và Quyết định 280/QĐ-UBND')).toEqual(['136/KH-UBND', '280/QĐ-UBND']);
  });

  it('finds no number in a question without one', () => {
    expect(findDocumentNumbers('làm giấy khai sinh cần gì')).toEqual([]);
    expect(findDocumentNumbers('1.001193')).toEqual([]);
  });

  it('finds a bare number only after a document type word', () => {
    expect(findBareDocumentNumber('công văn 2458 nói gì')).toBe('2458');
    expect(findBareDocumentNumber('Công văn số 2458')).toBe('2458');
    expect(findBareDocumentNumber('kế hoạch 136 về cải cách hành chính')).toBe('136');
    expect(findBareDocumentNumber('dispatch no. 2458')).toBe('2458');
    expect(findBareDocumentNumber('tôi sinh năm 2458')).toBeUndefined();
  });

  it('tells a question that asks which document', () => {
    expect(asksWhichDocument('Kế hoạch rà soát thủ tục hành chính ngày 14/12/2021 là kế hoạch số mấy?')).toBe(true);
    expect(asksWhichDocument('Which plan covers administrative reform for 2021-2025?')).toBe(true);
    expect(asksWhichDocument('Công văn 2458/UBND-SNV yêu cầu gì?')).toBe(false);
    expect(asksWhichDocument('Cho em xin số hiệu của kế hoạch cải cách hành chính giai đoạn 2021 - 2025')).toBe(true);
    expect(asksWhichDocument('What is the number of the plan on administrative reform for 2021-2025?')).toBe(true);
  });
});

describe('hasDeadlineCue', () => {
  it('sees deadline questions in both languages', () => {
    expect(hasDeadlineCue('Sở Tư pháp có hạn chót nào?')).toBe(true);
    expect(hasDeadlineCue('UBND phường Ba Đình có nhiệm vụ gì?')).toBe(true);
    expect(hasDeadlineCue('What deadlines does the Department of Justice have?')).toBe(true);
  });

  it('does not see one in a procedure question', () => {
    expect(hasDeadlineCue('Làm giấy khai sinh cần giấy tờ gì?')).toBe(false);
  });
});

describe('englishUnit', () => {
  it('maps departments to their Vietnamese names', () => {
    expect(englishUnit('What tasks does the Department of Health have?')).toBe('Sở Y tế');
    expect(englishUnit('deadlines of the department of justice')).toBe('Sở Tư pháp');
    expect(englishUnit('Department of Education and Training')).toBe('Sở Giáo dục và Đào tạo');
  });

  it('maps districts, wards and communes', () => {
    expect(englishUnit('What must Gia Lam district do?')).toBe('huyện gia lam');
    expect(englishUnit('tasks for Ba Dinh ward')).toBe('phường ba dinh');
  });

  it('finds none when no unit is named', () => {
    expect(englishUnit('How do I register a birth?')).toBeUndefined();
  });
});

describe('hasTaskCue', () => {
  it('sees tasks and reporting, with or without a unit', () => {
    expect(hasTaskCue('Sở Tư pháp có nhiệm vụ gì?')).toBe(true);
    expect(hasTaskCue('báo cáo quý IV về CCHC phải gửi trước ngày nào?')).toBe(true);
    expect(hasTaskCue('What deadlines does the Department of Justice have?')).toBe(true);
  });

  it('does not take a citizen\'s "phải", "mất bao lâu" or "khi nào" for a task', () => {
    expect(hasTaskCue('Có phải đăng ký tạm trú không?')).toBe(false);
    expect(hasTaskCue('làm hộ chiếu mất bao lâu, khi nào có?')).toBe(false);
    expect(hasTaskCue('Em có phải xin giấy phép môi trường cho xưởng may không ạ?')).toBe(false);
  });
});

describe('isSubjectless (follow-up detection)', () => {
  const lexicon = buildLexicon();
  const subjectless = (question: string) => isSubjectless(viewQuery(question, lexicon).units, question);

  it('takes a question without its own subject for a follow-up', () => {
    expect(subjectless('còn lệ phí?')).toBe(true);
    expect(subjectless('nộp online được không?')).toBe(true);
    expect(subjectless('thế phường Cầu Giấy thì sao?')).toBe(true);
    expect(subjectless('mất bao lâu vậy')).toBe(true);
  });

  it('takes a place written as a name for where, not what: "em ở Long Biên"', () => {
    expect(subjectless('em ở Long Biên')).toBe(true);
    expect(subjectless('thế ở Hà Đông thì sao')).toBe(true);
    // Lower case, it is only words: "long" and "biên" could be part of a subject.
    expect(subjectless('em ở long biên')).toBe(false);
  });

  it('takes a question with a subject for a fresh start', () => {
    expect(subjectless('lý lịch tư pháp cần gì')).toBe(false);
    expect(subjectless('còn đăng ký thường trú thì sao?')).toBe(false);
    expect(subjectless('what about a passport?')).toBe(false);
  });
});

describe('isStatement', () => {
  it('takes a turn that only tells something for a statement', () => {
    expect(isStatement('em ở Long Biên')).toBe(true);
    expect(isStatement('ông mất ở nhà tại phường Tây Hồ')).toBe(true);
  });

  it('takes a question, or a turn asking about an aspect, for a question', () => {
    for (const q of ['em ở Long Biên thì nộp ở đâu', 'ông mất ở nhà, làm giấy tờ gì', 'còn lệ phí', 'nộp online được không', 'how long does it take', 'làm ở phường nào?'])
      expect(isStatement(q), q).toBe(false);
  });
});

describe('withoutSalutation', () => {
  it('drops the addressee of a letter, keeping the question', () => {
    expect(withoutSalutation('Kính gửi Sở Xây dựng, tôi muốn xin giấy phép xây dựng nhà ở.')).not.toMatch(/Sở Xây dựng/);
    expect(withoutSalutation('Chào cán bộ xã, nhà tôi ở xã Minh Quang')).toMatch(/xã Minh Quang/);
    expect(withoutSalutation('Sở Tư pháp phải báo cáo trước ngày nào?')).toBe('Sở Tư pháp phải báo cáo trước ngày nào?');
  });
});

describe('detectLanguage: one rule for questions and documents', () => {
  it('keeps an English question English when it names a Vietnamese unit or place', () => {
    expect(detectLanguage('What papers does the Sở Tư pháp need for a criminal record certificate?')).toBe('en');
    expect(detectLanguage('How do I register a birth in Hà Nội?')).toBe('en');
  });
  it('reads a Vietnamese question with or without marks as Vietnamese', () => {
    expect(detectLanguage('Sở Tư pháp có hạn chót nào?')).toBe('vi');
    expect(detectLanguage('so tu phap co han chot nao')).toBe('vi');
  });
});
