// Hostile PDFs made in memory for the tests: many pages that share one font and one content
// stream, so a 100,000-page file is a few MB and costs nothing to write.

/** A valid PDF of `pages` pages, each showing `lines` lines of text (with a correct xref table). */
export function manyPagePdf(pages: number, lines = 1): Buffer {
  const text = Array.from({ length: lines }, (_, i) => `BT /F1 10 Tf 20 ${780 - i * 12} Td (Trang thu nghiem dong ${i + 1}) Tj ET`).join('\n');
  const kids = Array.from({ length: pages }, (_, i) => `${i + 5} 0 R`).join(' ');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Count ${pages} /Kids [${kids}] >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    ...Array.from({ length: pages }, () => '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>'),
  ];
  const parts: string[] = ['%PDF-1.4\n'];
  const offsets: number[] = [];
  let size = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(size);
    const obj = `${i + 1} 0 obj\n${body}\nendobj\n`;
    parts.push(obj);
    size += Buffer.byteLength(obj);
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(xref, `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${size}\n%%EOF\n`);
  return Buffer.from(parts.join(''), 'latin1');
}
