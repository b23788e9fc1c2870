import { Injectable } from '@nestjs/common';
import type { Document, DocumentDetailsContributor } from '@app/records';
import { CaptureRecordRepository } from './capture-record.repository';

/** Adds the capture record and the transfer note of scanned documents to GET /documents/:id. */
@Injectable()
export class CaptureDetailsContributor implements DocumentDetailsContributor {
  constructor(private readonly captures: CaptureRecordRepository) {}

  async contribute(document: Document): Promise<Record<string, unknown>> {
    if (document.source !== 'scan') return {};
    const [capture, transferNote] = await Promise.all([this.captures.find(document.id), this.captures.findTransferNote(document.id)]);
    return { capture, transferNote };
  }
}
