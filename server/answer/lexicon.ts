// Words people use ↔ words the catalogue uses: colloquial Vietnamese, abbreviations and
// English names of common procedures. Keys and expansions are matched accent-folded.
import { fold } from '../../ingest/index.js';
import { ENGLISH_TERMS } from './lexicon-en.js';

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
  // Abbreviations people type for administrative terms
  ['attp', 'an toàn thực phẩm'], ['vsattp', 'an toàn thực phẩm'], ['pccc', 'phòng cháy chữa cháy'], ['đkkd', 'đăng ký kinh doanh'],
  ['gpkd', 'giấy phép kinh doanh'], ['gcn', 'giấy chứng nhận'], ['gcnqsdđ', 'giấy chứng nhận quyền sử dụng đất'], ['qsdđ', 'quyền sử dụng đất'],
  ['hkd', 'hộ kinh doanh'], ['dn', 'doanh nghiệp'], ['cty', 'công ty'], ['tnhh', 'trách nhiệm hữu hạn'], ['mst', 'mã số thuế'],
  ['gtgt', 'giá trị gia tăng'], ['tncn', 'thu nhập cá nhân'], ['tndn', 'thu nhập doanh nghiệp'], ['xnk', 'xuất nhập khẩu'],
  ['nhnn', 'ngân hàng nhà nước'], ['tctd', 'tổ chức tín dụng'], ['gpxd', 'giấy phép xây dựng'], ['đtm', 'đánh giá tác động môi trường'],
  ['gpmt', 'giấy phép môi trường'], ['kd', 'kinh doanh'], ['đk', 'đăng ký'], ['đký', 'đăng ký'], ['hđlđ', 'hợp đồng lao động'],
  ['bhtn', 'bảo hiểm thất nghiệp'], ['csgt', 'cảnh sát giao thông'], ['htx', 'hợp tác xã'],
  ['vneid', 'định danh điện tử'], ['đdcn', 'định danh cá nhân'], ['sổ hộ khẩu', 'đăng ký thường trú'], ['giấy độc thân', 'xác nhận tình trạng hôn nhân'],
  ['bìa đỏ', 'giấy chứng nhận quyền sử dụng đất'], ['bìa hồng', 'giấy chứng nhận quyền sử dụng đất quyền sở hữu nhà ở'],
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
  // Single English words, after the phrases above (longer triggers match first).
  ['register', 'đăng ký'],
  ['registration', 'đăng ký'],
  ['marriage', 'kết hôn'],
  ['birth', 'khai sinh'],
  ['death', 'khai tử'],
  ['business', 'kinh doanh'],
  ['house', 'nhà ở'],
  ['land', 'đất'],
  ['building', 'xây dựng'],
  ['construction', 'xây dựng'],
  ['permit', 'giấy phép'],
  ['licence', 'giấy phép'],
  ['license', 'giấy phép'],
  ['card', 'thẻ'],
  ['insurance', 'bảo hiểm'],
  ['certificate', 'giấy chứng nhận'],
  ['residence', 'cư trú'],
  ['company', 'công ty'],
  ['enterprise', 'doanh nghiệp'],
  ['vehicle', 'xe'],
  ['motorbike', 'xe mô tô'],
  ['car', 'xe ô tô'],
  ['signature', 'chữ ký'],
  ['contract', 'hợp đồng'],
  ['inheritance', 'thừa kế'],
  ['a will', 'di chúc'],
  ['my will', 'di chúc'],
  ['maternity', 'thai sản'],
  ['pension', 'lương hưu'],
  ['international', 'quốc tế'],
  ['driving', 'lái xe'],
  ['guardianship', 'giám hộ'],
  ['divorce', 'ly hôn'],
  // Vietnamese variant cues in everyday words
  ['người nước ngoài', 'có yếu tố nước ngoài'],
  ['bố là người nước ngoài', 'có yếu tố nước ngoài'],
  ['mẹ là người nước ngoài', 'có yếu tố nước ngoài'],
  ['chồng nước ngoài', 'có yếu tố nước ngoài'],
  ['vợ nước ngoài', 'có yếu tố nước ngoài'],
  ['người tây', 'có yếu tố nước ngoài'], // not 'tây' alone: Tây Hồ, Sơn Tây, giấy viết tay fold to it too
  ['bị mất', 'cấp lại'],
  ['làm mất', 'cấp lại'],
  ['hết hạn', 'đổi'],
  ['hỏng', 'cấp đổi'],
  ['rách', 'cấp đổi'],
  ['cắt hộ khẩu', 'xóa đăng ký thường trú'],
  ['chuyển hộ khẩu', 'đăng ký thường trú'],
  ['bảo hiểm y tế tự nguyện', 'bảo hiểm y tế hộ gia đình'],
];

/**
 * A foreign country or a foreigner named in a question makes it the "có yếu tố nước ngoài" case:
 * "bố là người Nhật", "lấy chồng Hàn", "Việt kiều Mỹ".
 */
const FOREIGN_WORDS: Array<[string, string]> = [
  ...[
    'nhật', 'nhật bản', 'hàn', 'hàn quốc', 'trung quốc', 'đài loan', 'hồng kông', 'mỹ', 'hoa kỳ', 'pháp', 'đức', 'anh quốc', 'úc',
    'canada', 'nga', 'thái lan', 'lào', 'campuchia', 'singapore', 'malaysia', 'indonesia', 'philippines', 'ấn độ', 'ý', 'tây ban nha',
    'hà lan', 'thụy điển', 'na uy', 'đan mạch', 'phần lan', 'thụy sĩ', 'bỉ', 'áo', 'ba lan', 'séc', 'new zealand', 'israel', 'ả rập',
  ].map((c): [string, string] => [`người ${c}`, 'người nước ngoài']),
  ['việt kiều', 'người việt nam định cư ở nước ngoài'], ['quốc tịch nước ngoài', 'người nước ngoài'], ['người ngoại quốc', 'người nước ngoài'],
  ['lấy chồng nước ngoài', 'kết hôn có yếu tố nước ngoài'], ['lấy vợ nước ngoài', 'kết hôn có yếu tố nước ngoài'],
];

/**
 * How people say the action a procedure's name states: "bị mất, bị rách" is a re-issue ("cấp
 * lại"), "thôi hành nghề" a withdrawal ("thu hồi"), "đưa xe về nước" a re-export ("tái xuất").
 */
const ACTION_WORDS: Array<[string, string]> = [
  ['bị mất', 'cấp lại'], ['làm mất', 'cấp lại'], ['đánh mất', 'cấp lại'], ['bị rách', 'cấp lại'], ['bị hỏng', 'cấp lại'], ['bị cháy', 'cấp lại'],
  ['bị ướt', 'cấp lại'], ['làm lại', 'cấp lại'], ['xin lại', 'cấp lại'], ['hết hạn', 'gia hạn cấp đổi'], ['sắp hết hạn', 'gia hạn'],
  ['thôi hành nghề', 'thu hồi'], ['không dùng nữa', 'thu hồi'], ['bỏ mã số', 'thu hồi'], ['nộp lại', 'thu hồi'], ['trả lại', 'thu hồi'],
  ['đưa về nước', 'tái xuất'], ['mang về nước', 'tái xuất'], ['chuyển về nước', 'tái xuất'], ['gửi về nước', 'tái xuất'],
  ['đổi tên', 'thay đổi'], ['đổi địa chỉ', 'thay đổi'], ['chuyển trụ sở', 'thay đổi địa điểm trụ sở'], ['chuyển văn phòng', 'thay đổi địa điểm'],
  ['đổi người đại diện', 'thay đổi'], ['mở mới', 'thành lập'], ['mở thêm', 'thành lập'], ['đóng cửa', 'chấm dứt giải thể'], ['ngừng kinh doanh', 'tạm ngừng chấm dứt'],
  ['nghỉ kinh doanh', 'tạm ngừng'], ['lần đầu', 'lần đầu'], ['mới mua', 'lần đầu'], ['xe mới', 'lần đầu'],
];

export interface LexiconEntry {
  trigger: string[]; // folded syllables
  expansion: string; // official wording
  /** The trigger as written, marks kept, when it has any: "cưới" must not fire on "cười" or "cuối". */
  written?: string[];
}

export function buildLexicon(pairs: Array<[string, string]> = [...PAIRS, ...ACTION_WORDS, ...FOREIGN_WORDS, ...ENGLISH_TERMS]): LexiconEntry[] {
  return pairs
    .map(([from, to]) => {
      const trigger = fold(from).split(/\s+/);
      const written = from.normalize('NFC').toLowerCase().split(/\s+/);
      return { trigger, expansion: to, ...(written.some((w, i) => w !== trigger[i]) && written.length === trigger.length ? { written } : {}) };
    })
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
