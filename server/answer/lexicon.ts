// Words people use ↔ words the catalogue uses: colloquial Vietnamese, abbreviations and
// English names of common procedures. Keys and expansions are matched accent-folded.
import { fold } from '../../ingest/text.js';

/** [what people type, what the catalogue says]. Expansions join the query with a lower weight. */
const PAIRS: Array<[string, string]> = [
  // Colloquial ↔ official (domain notes)
  ['giấy khai sinh', 'đăng ký khai sinh'],
  ['làm khai sinh', 'đăng ký khai sinh'],
  ['khai sinh', 'đăng ký khai sinh'],
  ['khai tử', 'đăng ký khai tử'],
  ['báo tử', 'đăng ký khai tử'],
  ['kết hôn', 'đăng ký kết hôn'],
  ['cưới', 'đăng ký kết hôn'],
  ['giấy đăng ký kết hôn', 'đăng ký kết hôn'],
  ['độc thân', 'xác nhận tình trạng hôn nhân'],
  ['giấy xác nhận độc thân', 'xác nhận tình trạng hôn nhân'],
  ['bằng lái', 'giấy phép lái xe'],
  ['bằng lái xe', 'giấy phép lái xe'],
  ['gplx', 'giấy phép lái xe'],
  ['sổ đỏ', 'giấy chứng nhận quyền sử dụng đất'],
  ['sổ hồng', 'giấy chứng nhận quyền sử dụng đất quyền sở hữu nhà ở'],
  ['sang tên sổ đỏ', 'đăng ký biến động chuyển nhượng quyền sử dụng đất'],
  ['sang tên', 'đăng ký biến động chuyển nhượng'],
  ['hộ khẩu', 'đăng ký thường trú'],
  ['nhập hộ khẩu', 'đăng ký thường trú'],
  ['tách hộ khẩu', 'tách hộ'],
  ['tạm trú', 'đăng ký tạm trú'],
  ['cccd', 'thẻ căn cước'],
  ['căn cước công dân', 'thẻ căn cước'],
  ['chứng minh nhân dân', 'thẻ căn cước'],
  ['cmnd', 'thẻ căn cước'],
  ['làm căn cước', 'cấp thẻ căn cước'],
  ['lý lịch tư pháp', 'phiếu lý lịch tư pháp'],
  ['lý lịch', 'phiếu lý lịch tư pháp'],
  ['giấy phép kinh doanh hộ', 'đăng ký hộ kinh doanh'],
  ['mở hộ kinh doanh', 'đăng ký thành lập hộ kinh doanh'],
  ['đăng ký kinh doanh', 'đăng ký hộ kinh doanh doanh nghiệp'],
  ['mở công ty', 'đăng ký thành lập công ty doanh nghiệp'],
  ['thành lập công ty', 'đăng ký thành lập doanh nghiệp'],
  ['công chứng bản sao', 'chứng thực bản sao từ bản chính'],
  ['công chứng giấy tờ', 'chứng thực bản sao từ bản chính'],
  ['photo công chứng', 'chứng thực bản sao từ bản chính'],
  ['sao y', 'chứng thực bản sao từ bản chính'],
  ['chứng thực chữ ký', 'chứng thực chữ ký'],
  ['xin phép xây nhà', 'cấp giấy phép xây dựng nhà ở riêng lẻ'],
  ['xây nhà', 'giấy phép xây dựng nhà ở riêng lẻ'],
  ['phép xây dựng', 'giấy phép xây dựng'],
  ['bảo hiểm xã hội một lần', 'hưởng bảo hiểm xã hội một lần'],
  ['rút bảo hiểm', 'hưởng bảo hiểm xã hội một lần'],
  ['rút bhxh', 'hưởng bảo hiểm xã hội một lần'],
  ['bhxh', 'bảo hiểm xã hội'],
  ['bhyt', 'bảo hiểm y tế'],
  ['thẻ bảo hiểm y tế', 'thẻ bảo hiểm y tế'],
  ['thất nghiệp', 'trợ cấp thất nghiệp'],
  ['đăng ký xe', 'đăng ký xe'],
  ['biển số', 'đăng ký biển số xe'],
  ['cà vẹt', 'giấy chứng nhận đăng ký xe'],
  ['nhận con', 'nhận cha mẹ con'],
  ['nhận nuôi', 'đăng ký nuôi con nuôi'],
  ['con nuôi', 'nuôi con nuôi'],
  ['trích lục', 'cấp bản sao trích lục hộ tịch'],
  ['bản sao giấy khai sinh', 'cấp bản sao trích lục hộ tịch'],
  ['đổi tên', 'thay đổi cải chính hộ tịch'],
  ['sửa tên', 'thay đổi cải chính hộ tịch'],
  ['hộ chiếu', 'cấp hộ chiếu phổ thông'],
  ['passport', 'hộ chiếu'],
  // Abbreviations
  ['ubnd', 'ủy ban nhân dân'],
  ['hđnd', 'hội đồng nhân dân'],
  ['tthc', 'thủ tục hành chính'],
  ['cchc', 'cải cách hành chính'],
  ['dvc', 'dịch vụ công'],
  ['csdl', 'cơ sở dữ liệu'],
  ['snv', 'sở nội vụ'],
  ['stp', 'sở tư pháp'],
  // English → Vietnamese
  ['birth registration', 'đăng ký khai sinh'],
  ['birth certificate', 'đăng ký khai sinh giấy khai sinh'],
  ['register a birth', 'đăng ký khai sinh'],
  ['register birth', 'đăng ký khai sinh'],
  ['newborn', 'đăng ký khai sinh'],
  ['death registration', 'đăng ký khai tử'],
  ['death certificate', 'đăng ký khai tử'],
  ['register a death', 'đăng ký khai tử'],
  ['marriage registration', 'đăng ký kết hôn'],
  ['marriage certificate', 'đăng ký kết hôn'],
  ['get married', 'đăng ký kết hôn'],
  ['marry', 'đăng ký kết hôn'],
  ['marital status', 'xác nhận tình trạng hôn nhân'],
  ['single status', 'xác nhận tình trạng hôn nhân'],
  ['permanent residence', 'đăng ký thường trú'],
  ['household registration', 'đăng ký thường trú'],
  ['temporary residence', 'đăng ký tạm trú'],
  ['id card', 'thẻ căn cước'],
  ['identity card', 'thẻ căn cước'],
  ['citizen id', 'thẻ căn cước'],
  ['driving licence', 'giấy phép lái xe'],
  ['driving license', 'giấy phép lái xe'],
  ['driver license', 'giấy phép lái xe'],
  ['drivers license', 'giấy phép lái xe'],
  ['renew', 'đổi'],
  ['renewal', 'đổi'],
  ['reissue', 'cấp lại'],
  ['replace', 'cấp lại'],
  ['lost', 'cấp lại bị mất'],
  ['exchange', 'đổi'],
  ['vehicle registration', 'đăng ký xe'],
  ['register a motorbike', 'đăng ký xe'],
  ['register a car', 'đăng ký xe'],
  ['certified copy', 'chứng thực bản sao từ bản chính'],
  ['certified copies', 'chứng thực bản sao từ bản chính'],
  ['notarize', 'chứng thực'],
  ['notarise', 'chứng thực'],
  ['signature certification', 'chứng thực chữ ký'],
  ['certify a signature', 'chứng thực chữ ký'],
  ['criminal record', 'phiếu lý lịch tư pháp'],
  ['judicial record', 'phiếu lý lịch tư pháp'],
  ['police check', 'phiếu lý lịch tư pháp'],
  ['household business', 'đăng ký hộ kinh doanh'],
  ['small business', 'đăng ký hộ kinh doanh'],
  ['business registration', 'đăng ký doanh nghiệp'],
  ['register a company', 'đăng ký thành lập doanh nghiệp'],
  ['limited liability company', 'công ty trách nhiệm hữu hạn'],
  ['llc', 'công ty trách nhiệm hữu hạn'],
  ['joint stock company', 'công ty cổ phần'],
  ['construction permit', 'giấy phép xây dựng'],
  ['building permit', 'giấy phép xây dựng'],
  ['build a house', 'giấy phép xây dựng nhà ở riêng lẻ'],
  ['land certificate', 'giấy chứng nhận quyền sử dụng đất'],
  ['land use right', 'quyền sử dụng đất'],
  ['land title', 'giấy chứng nhận quyền sử dụng đất'],
  ['red book', 'giấy chứng nhận quyền sử dụng đất'],
  ['land transfer', 'chuyển nhượng quyền sử dụng đất'],
  ['social insurance', 'bảo hiểm xã hội'],
  ['one-time', 'một lần'],
  ['lump sum', 'một lần'],
  ['health insurance', 'bảo hiểm y tế'],
  ['insurance card', 'thẻ bảo hiểm y tế'],
  ['unemployment', 'thất nghiệp'],
  ['adoption', 'nuôi con nuôi'],
  ['adopt', 'nuôi con nuôi'],
  ['paternity', 'nhận cha mẹ con'],
  ['change of name', 'thay đổi cải chính hộ tịch'],
  ['change my name', 'thay đổi cải chính hộ tịch'],
  ['foreigner', 'có yếu tố nước ngoài'],
  ['foreign', 'nước ngoài'],
  ['first time', 'lần đầu'],
  ['first-time', 'lần đầu'],
  ['child', 'trẻ em'],
  ['under 14', 'dưới 14 tuổi'],
  ['copy', 'bản sao'],
];

export interface LexiconEntry {
  trigger: string[]; // folded syllables
  expansion: string; // official wording
}

export function buildLexicon(pairs: Array<[string, string]> = PAIRS): LexiconEntry[] {
  return pairs
    .map(([from, to]) => ({ trigger: fold(from).split(/\s+/), expansion: to }))
    .sort((a, b) => b.trigger.length - a.trigger.length);
}

/** Official wordings implied by what the question says (each once). */
export function expansionsFor(tokens: readonly string[], lexicon: readonly LexiconEntry[]): string[] {
  const out = new Set<string>();
  for (const e of lexicon) {
    const n = e.trigger.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      let ok = true;
      for (let j = 0; j < n; j++) if (tokens[i + j] !== e.trigger[j]) { ok = false; break; }
      if (ok) {
        out.add(e.expansion);
        break;
      }
    }
  }
  return [...out];
}
