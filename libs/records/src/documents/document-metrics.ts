import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { Metrics } from '@app/metrics';
import { DocumentRepository } from './document.repository';

/** Counts older than this are answered from the last scrape (scrapes every few seconds cost one GROUP BY at most). */
const CACHE_MS = 15_000;

/** `eakte_documents{status}`: documents per status, read from PostgreSQL at scrape time. */
@Injectable()
export class DocumentMetrics implements OnModuleInit {
  private readonly logger = new Logger(DocumentMetrics.name);
  private cached: { at: number; rows: Array<{ status: string; count: number }> } | null = null;

  constructor(
    private readonly documents: DocumentRepository,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    if (!this.metrics) return;
    const self = this;
    this.metrics.gauge({
      name: 'eakte_documents',
      help: 'Documents by status (from PostgreSQL, at most 15 s old)',
      labelNames: ['status'] as const,
      async collect() {
        const rows = await self.counts();
        if (!rows) return;
        this.reset();
        for (const r of rows) this.set({ status: r.status }, r.count);
      },
    });
  }

  private async counts(): Promise<Array<{ status: string; count: number }> | null> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.rows;
    try {
      const rows = await this.documents.countByStatus();
      this.cached = { at: Date.now(), rows };
      return rows;
    } catch (e) {
      this.logger.warn({ err: e }, 'documents by status not available for metrics');
      return this.cached?.rows ?? null;
    }
  }
}
