// A small, valid PDF written by hand for the import tests (no PDF-writing package needed):
// one page per entry, each line a text object in Helvetica at its own size, latin-1 text.

export interface PdfLine {
  text: string;
  /** Font size in points; headings are set larger than body text. */
  size?: number;
}

export function buildPdf(pages: PdfLine[][]): Uint8Array {
  const objects: string[] = [];
  const pageIds: number[] = [];
  // 1: catalog, 2: pages, 3: font; then per page: page object + content stream.
  const fontId = 3;
  let next = 4;
  const pageObjects: Array<{ id: number; contentId: number; stream: string }> = [];
  for (const lines of pages) {
    const id = next++;
    const contentId = next++;
    pageIds.push(id);
    let y = 780;
    const ops = lines.map((line) => {
      const size = line.size ?? 11;
      y -= Math.round(size * 1.6);
      return `BT /F1 ${size} Tf 56 ${y} Td (${escapePdfString(line.text)}) Tj ET`;
    });
    pageObjects.push({ id, contentId, stream: ops.join('\n') });
  }
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  objects[fontId] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  for (const page of pageObjects) {
    objects[page.id] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${page.contentId} 0 R >>`;
    objects[page.contentId] = `<< /Length ${Buffer.byteLength(page.stream, 'latin1')} >>\nstream\n${page.stream}\nendstream`;
  }
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

function escapePdfString(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}
