export * from './document-processor';
export * from './ocr.module';
export { TesseractDocumentProcessor, OCR_DEFAULTS, SEARCHABLE_PDF_NAME } from './tesseract-document-processor';
export { TesseractPool, type TesseractPoolOptions } from './tesseract/tesseract-pool';
export { scanTypeOf } from './scan-type';
export { sanitizePdf, activeContentOf, type SanitizedPdf } from './pdf/pdf-sanitizer';
