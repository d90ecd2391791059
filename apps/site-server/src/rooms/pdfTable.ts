/**
 * A ruled table of the site's printed reports: one line of text per cell, wrapped to its
 * column (widths are fractions of `width`), a heavier rule under the header row, and a new
 * page before a row that would reach into the bottom `reserve` points (signature lines).
 */
export function pdfTable(
  doc: PDFKit.PDFDocument,
  rows: readonly (readonly string[])[],
  widths: readonly number[],
  area: { left: number; width: number; reserve: number },
): void {
  const { left, width, reserve } = area;
  for (const [i, row] of rows.entries()) {
    if (doc.y > doc.page.height - doc.page.margins.bottom - reserve) doc.addPage();
    const y = doc.y + 3;
    let x = left;
    let rowHeight = 0;
    for (const [j, cell] of row.entries()) {
      const w = (widths[j] ?? 0.1) * width;
      rowHeight = Math.max(rowHeight, doc.heightOfString(cell, { width: w - 6 }));
      doc.text(cell, x + 3, y, { width: w - 6 });
      x += w;
    }
    doc.y = y + rowHeight + 3;
    doc
      .moveTo(left, doc.y)
      .lineTo(left + width, doc.y)
      .lineWidth(i === 0 ? 0.8 : 0.3)
      .stroke();
  }
  doc.x = left;
}
