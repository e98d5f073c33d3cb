import PDFDocument from 'pdfkit';
import { BinderyLine } from './bindery-line.entity';
import { BinderyShipment } from './bindery-shipment.entity';

export interface SlipsDocument {
  lot: BinderyShipment;
  vendor: { name: string; partnerId: string };
  branchName: string;
  lines: BinderyLine[];
}

const MARGIN = 50;
const ROW = 16;

/** Manifest columns: the count a bindery and a library reconcile a lot against. */
const COLUMNS: Array<{ header: string; width: number; cell: (line: BinderyLine) => string }> = [
  { header: 'No.', width: 24, cell: (line) => String(line.lineNo) },
  { header: 'Barcode', width: 80, cell: (line) => line.barcode },
  { header: 'Call number', width: 118, cell: (line) => line.callNumber ?? '' },
  { header: 'Title', width: 140, cell: (line) => line.title },
  { header: 'Style', width: 76, cell: (line) => line.bindingStyle },
  { header: 'Cloth / foil', width: 74, cell: (line) => `${line.clothColor} / ${line.foilColor}` },
];

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : '—');

/**
 * Printable binding slips for a lot: a manifest page (it may run over several pages for a large lot)
 * and then one slip page per item, the "library copy" that travels in the volume (Z39.78 / ABLE
 * practice: style, leaf attachment, cloth and foil colour, spine lettering line by line, instructions).
 */
export function renderBindingSlips(input: SlipsDocument): Promise<Buffer> {
  const { lot, vendor, lines } = input;
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: MARGIN,
    info: { Title: `Binding slips, lot ${lot.lotNumber}`, Author: 'Library technical services', Subject: `Bindery lot ${lot.lotNumber}` },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  manifest(doc, input);
  for (const line of lines) {
    doc.addPage();
    slip(doc, input, line);
  }
  doc.end();
  return done;

  function manifest(d: PDFKit.PDFDocument, { branchName }: SlipsDocument): void {
    d.font('Helvetica-Bold').fontSize(18).text(`Bindery lot ${lot.lotNumber}: manifest`);
    d.moveDown(0.5).font('Helvetica').fontSize(10);
    field(d, 'Vendor', `${vendor.name} (${vendor.partnerId})`);
    field(d, 'Library branch', `${branchName} (${lot.branch})`);
    field(d, 'Status', lot.status);
    field(d, 'Created', day(lot.createdAt));
    field(d, 'Dispatched', day(lot.dispatchedAt));
    field(d, 'Expected back', day(lot.expectedReturnAt));
    field(d, 'Items', String(lines.length));
    d.moveDown();
    tableHeader(d);
    for (const line of lines) {
      if (d.y + ROW > d.page.height - MARGIN) {
        d.addPage();
        tableHeader(d);
      }
      row(d, COLUMNS.map((column) => column.cell(line)), 'Helvetica');
    }
  }

  function tableHeader(d: PDFKit.PDFDocument): void {
    row(d, COLUMNS.map((column) => column.header), 'Helvetica-Bold');
    d.moveTo(MARGIN, d.y - 3).lineTo(d.page.width - MARGIN, d.y - 3).lineWidth(0.5).stroke();
  }

  function row(d: PDFKit.PDFDocument, cells: string[], font: string): void {
    const y = d.y;
    let x = MARGIN;
    d.font(font).fontSize(9);
    cells.forEach((text, i) => {
      // One line per cell: a long title is cut with an ellipsis rather than breaking the table.
      d.text(text, x, y, { width: COLUMNS[i].width - 6, height: ROW - 4, ellipsis: true, lineBreak: false });
      x += COLUMNS[i].width;
    });
    d.x = MARGIN;
    d.y = y + ROW;
  }

  function slip(d: PDFKit.PDFDocument, { branchName }: SlipsDocument, line: BinderyLine): void {
    d.font('Helvetica-Bold').fontSize(20).text('BINDING SLIP');
    d.font('Helvetica').fontSize(11).text(`Lot ${lot.lotNumber}, line ${line.lineNo} of ${lines.length}`);
    d.text(`${vendor.name} (${vendor.partnerId}), for ${branchName} (${lot.branch})`);
    d.moveDown();
    field(d, 'Barcode', line.barcode, 12);
    field(d, 'Call number', line.callNumber ?? '—', 12);
    field(d, 'Title', line.title, 12);
    field(d, 'Binding style', line.bindingStyle, 12);
    field(d, 'Leaf attachment', line.leafAttachment, 12);
    field(d, 'Cloth colour', line.clothColor, 12);
    field(d, 'Foil colour', line.foilColor, 12);
    d.moveDown();
    d.font('Helvetica-Bold').text('Spine lettering (top to bottom)');
    const top = d.y + 4;
    const lettering = line.spineLettering.length > 0 ? line.spineLettering : ['(none)'];
    d.font('Courier').fontSize(12);
    lettering.forEach((text, i) => d.text(`${i + 1}. ${text}`, MARGIN + 12, top + 6 + i * 16));
    const height = lettering.length * 16 + 12;
    d.rect(MARGIN, top, d.page.width - 2 * MARGIN, height).lineWidth(0.8).stroke();
    d.x = MARGIN;
    d.y = top + height + 12;
    d.font('Helvetica-Bold').fontSize(12).text('Instructions');
    d.font('Helvetica').text(line.instructions ?? 'none', { width: d.page.width - 2 * MARGIN });
    d.moveDown(2);
    d.fontSize(9).fillColor('#555555').text('Library copy. On return check the spine lettering, the covers and end pages, then stamp and reshelve.');
    d.fillColor('black');
  }

  function field(d: PDFKit.PDFDocument, label: string, value: string, size = 10): void {
    d.font('Helvetica-Bold').fontSize(size).text(`${label}: `, { continued: true }).font('Helvetica').text(value);
  }
}
