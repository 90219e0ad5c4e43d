// The directory behind unit resolution: Hanoi's city-level agencies (after the 2025
// reorganisation, plus the former names that 2023 documents use) and place names for display.
import type { UnitGroup } from './domain.js';
import { fold } from './text.js';

export interface KnownUnit {
  name: string; // canonical display
  kind: 'so' | 'ban' | 'trung-tam' | 'ubnd-thanh-pho' | 'xa-phuong' | 'quan-huyen' | 'khac';
  /** Folded names and abbreviations it is written as. */
  aliases: string[];
  groups: UnitGroup[];
  note?: string;
}

const CITY: UnitGroup[] = ['so-ban-nganh', 'tat-ca'];
const FORMER = 'Tên cơ quan trước khi sắp xếp tổ chức bộ máy năm 2025.';

function so(name: string, abbreviations: string[] = [], note?: string): KnownUnit {
  const f = fold(name);
  const aliases = [f, f.replace(/ va /g, ' '), f.replace(/ - /g, ' '), ...abbreviations];
  return { name, kind: 'so', aliases: [...new Set(aliases)], groups: CITY, ...(note ? { note } : {}) };
}

export const KNOWN_UNITS: readonly KnownUnit[] = [
  so('Sở Nội vụ', ['snv']),
  so('Sở Tư pháp', ['stp', 'so tp']),
  so('Sở Y tế', ['syt']),
  so('Sở Tài chính', ['stc']),
  so('Sở Xây dựng', ['sxd']),
  so('Sở Giáo dục và Đào tạo', ['so gd&dt', 'so gddt', 'so gd va dt', 'sgddt', 'sgd&dt']),
  so('Sở Công Thương', ['sct']),
  so('Sở Nông nghiệp và Môi trường', ['snn&mt', 'snnmt', 'so nn&mt', 'so nn va mt']),
  so('Sở Khoa học và Công nghệ', ['skhcn', 'so khcn', 'so kh&cn']),
  so('Sở Văn hóa và Thể thao', ['svhtt', 'so vhtt', 'so van hoa, the thao']),
  so('Sở Du lịch', ['sdl']),
  so('Sở Dân tộc và Tôn giáo', ['sdttg']),
  so('Sở Quy hoạch - Kiến trúc', ['sqhkt', 'so qhkt']),
  so('Sở Ngoại vụ', ['sngv']),
  so('Sở Kế hoạch và Đầu tư', ['skhdt', 'so khdt', 'so kh&dt'], FORMER),
  so('Sở Thông tin và Truyền thông', ['stttt', 'so tttt', 'so tt&tt'], FORMER),
  so('Sở Lao động - Thương binh và Xã hội', ['sldtbxh', 'so ldtbxh'], FORMER),
  so('Sở Tài nguyên và Môi trường', ['stnmt', 'so tnmt', 'so tn&mt'], FORMER),
  so('Sở Giao thông vận tải', ['sgtvt', 'so gtvt'], FORMER),
  so('Sở Nông nghiệp và Phát triển nông thôn', ['snnptnt', 'so nn&ptnt', 'so nnptnt'], FORMER),
  {
    name: 'Thanh tra Thành phố',
    kind: 'ban',
    aliases: ['thanh tra thanh pho', 'thanh tra tp', 'thanh tra thanh pho ha noi'],
    groups: CITY,
  },
  {
    name: 'Văn phòng UBND Thành phố',
    kind: 'ban',
    aliases: [
      'van phong ubnd thanh pho', 'van phong uy ban nhan dan thanh pho', 'van phong ubnd tp',
      'vp ubnd thanh pho', 'vp ubnd tp', 'vpubnd tp',
    ],
    groups: CITY,
  },
  {
    // A unit under the City People's Committee: "các sở, ban, ngành" (city-level agencies) includes it.
    name: 'Trung tâm Phục vụ hành chính công Thành phố',
    kind: 'trung-tam',
    aliases: ['trung tam phuc vu hanh chinh cong', 'ttpvhcc', 'trung tam pvhcc'],
    groups: CITY,
  },
  {
    name: 'UBND Thành phố',
    kind: 'ubnd-thanh-pho',
    aliases: ['ubnd thanh pho', 'uy ban nhan dan thanh pho', 'ubnd tp', 'ubnd tp ha noi'],
    groups: [],
  },
];

// Former districts and some of today's wards and communes, only to restore diacritics when a
// name is typed without them ("phuong ba dinh" → "Phường Ba Đình"); unknown names still resolve.
const PLACES = [
  'Ba Đình', 'Hoàn Kiếm', 'Tây Hồ', 'Long Biên', 'Cầu Giấy', 'Đống Đa', 'Hai Bà Trưng', 'Hoàng Mai',
  'Thanh Xuân', 'Nam Từ Liêm', 'Bắc Từ Liêm', 'Hà Đông', 'Sơn Tây', 'Ba Vì', 'Chương Mỹ', 'Đan Phượng',
  'Đông Anh', 'Gia Lâm', 'Hoài Đức', 'Mê Linh', 'Mỹ Đức', 'Phú Xuyên', 'Phúc Thọ', 'Quốc Oai', 'Sóc Sơn',
  'Thạch Thất', 'Thanh Oai', 'Thanh Trì', 'Thường Tín', 'Ứng Hòa', 'Cửa Nam', 'Ngọc Hà', 'Giảng Võ',
  'Kim Liên', 'Láng', 'Ô Chợ Dừa', 'Văn Miếu - Quốc Tử Giám', 'Bạch Mai', 'Vĩnh Tuy', 'Hồng Hà',
  'Bồ Đề', 'Việt Hưng', 'Phúc Lợi', 'Nghĩa Đô', 'Yên Hòa', 'Tây Tựu', 'Phú Diễn', 'Xuân Đỉnh',
  'Đông Ngạc', 'Thượng Cát', 'Từ Liêm', 'Xuân Phương', 'Tây Mỗ', 'Đại Mỗ', 'Dương Nội', 'Yên Nghĩa',
  'Kiến Hưng', 'Phú Lương', 'Định Công', 'Hoàng Liệt', 'Lĩnh Nam', 'Vĩnh Hưng', 'Tương Mai', 'Yên Sở',
  'Khương Đình', 'Phương Liệt', 'Thanh Liệt', 'Tùng Thiện', 'Bát Tràng', 'Nội Bài', 'Hà Nội',
];

export const PLACE_NAMES: ReadonlyMap<string, string> = new Map(PLACES.map((p) => [fold(p), p]));
