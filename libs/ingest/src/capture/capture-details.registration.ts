import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DOCUMENT_DETAILS, DocumentDetailsContributor } from '@app/records';
import { CaptureDetailsContributor } from './capture-details.contributor';

/** Hooks the capture record and transfer note into GET /documents/:id (records API). */
@Injectable()
export class CaptureDetailsRegistration implements OnModuleInit {
  constructor(
    @Inject(DOCUMENT_DETAILS) private readonly contributors: DocumentDetailsContributor[],
    private readonly contributor: CaptureDetailsContributor,
  ) {}

  onModuleInit(): void {
    if (!this.contributors.includes(this.contributor)) this.contributors.push(this.contributor);
  }
}
