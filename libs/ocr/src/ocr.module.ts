import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DocumentProcessor } from './document-processor';
import { TesseractDocumentProcessor } from './tesseract-document-processor';
import { TesseractPool } from './tesseract/tesseract-pool';

/**
 * Provides {@link DocumentProcessor} (tesseract.js + pdf.js + sharp). The OCR worker pool is one
 * per process, shared by all documents, sized by OCR_WORKERS, and started lazily: importing this
 * module (e.g. in the ingest app, which only calls `inspect`) starts no tesseract worker.
 */
@Module({
  providers: [
    {
      provide: TesseractPool,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new TesseractPool({ size: config.ocr.workers, langs: config.ocr.langs, timeoutMs: config.ocr.timeoutMs }),
    },
    TesseractDocumentProcessor,
    { provide: DocumentProcessor, useExisting: TesseractDocumentProcessor },
  ],
  exports: [DocumentProcessor],
})
export class OcrModule {}
