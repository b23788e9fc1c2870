import { writeFile } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';

export interface SearchablePage {
  /** JPEG page image (never JBIG2: TR-RESISCAN). */
  jpeg: Buffer;
  widthPt: number;
  heightPt: number;
  /** A one-page PDF from tesseract holding only the invisible text layer (render mode 3). */
  textPdf?: Uint8Array;
}

/**
 * Assembles the searchable rendition: each page is the (orientation- and skew-corrected) page
 * image with tesseract's invisible text layer drawn over it as a form XObject, so viewers show
 * the scan and `pdftotext`/search engines find the words. Pages must be added in order.
 */
export class SearchablePdfBuilder {
  private constructor(private readonly doc: PDFDocument) {}

  static async create(title: string): Promise<SearchablePdfBuilder> {
    const doc = await PDFDocument.create();
    doc.setTitle(title);
    doc.setProducer('E-Akte OCR (tesseract.js, pdf-lib)');
    doc.setCreator('E-Akte');
    return new SearchablePdfBuilder(doc);
  }

  get pageCount(): number {
    return this.doc.getPageCount();
  }

  async addPage(page: SearchablePage): Promise<void> {
    const pdfPage = this.doc.addPage([page.widthPt, page.heightPt]);
    const image = await this.doc.embedJpg(page.jpeg);
    pdfPage.drawImage(image, { x: 0, y: 0, width: page.widthPt, height: page.heightPt });
    if (page.textPdf) {
      const [layer] = await this.doc.embedPdf(page.textPdf, [0]);
      pdfPage.drawPage(layer, { x: 0, y: 0, width: page.widthPt, height: page.heightPt });
    }
  }

  async save(filePath: string): Promise<number> {
    const bytes = await this.doc.save({ useObjectStreams: true });
    await writeFile(filePath, bytes);
    return bytes.length;
  }
}
