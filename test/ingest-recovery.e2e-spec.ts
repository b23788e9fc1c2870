import { getQueueToken } from '@nestjs/bullmq';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Queue } from 'bullmq';
import { PDFDocument } from 'pdf-lib';
import { DataSource } from 'typeorm';
import { IngestPipeline, ProcessScanProcessor, StaleScanSweeper } from '@app/ingest';
import { DocumentProcessor, ProcessedDocument, ProcessOptions, ScanInspection, ScanRejectedError } from '@app/ocr';
import { QueueName } from '@app/queue';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { startApp, TestApp, users } from './support/app';
import { freshDatabase } from './support/database';

/**
 * Failure handling of the scan pipeline with real BullMQ jobs, PostgreSQL and storage, and a
 * scripted DocumentProcessor (so that failures happen exactly where the test wants them):
 * transient errors retry, permanent ones end `failed` with the reason, lost jobs are re-enqueued
 * by the sweep, and concurrent reruns of one document commit exactly once.
 */
class ScriptedProcessor extends DocumentProcessor {
  flakyFailures = new Map<string, number>();
  async inspect(): Promise<ScanInspection> {
    return { mimeType: 'image/png', pageCount: 1, hasTextLayer: false };
  }
  async process(filePath: string, options: ProcessOptions): Promise<ProcessedDocument> {
    const text = (await fsp.readFile(filePath)).subarray(8).toString('utf8');
    if (text.includes('REJECT')) throw new ScanRejectedError('page image is unreadable (scripted)');
    const slow = text.match(/TIMEOUT-(\w+)/)?.[1];
    if (slow && (this.flakyFailures.get(slow) ?? 0) < 1) {
      this.flakyFailures.set(slow, 1);
      throw new ScanRejectedError('PDF processing timed out while opening the PDF (20 s) (scripted)');
    }
    const flaky = text.match(/FLAKY-(\w+)/)?.[1];
    if (flaky && (this.flakyFailures.get(flaky) ?? 0) < 1) {
      this.flakyFailures.set(flaky, (this.flakyFailures.get(flaky) ?? 0) + 1);
      throw new Error('storage hiccup (scripted)');
    }
    await new Promise((r) => setTimeout(r, 50));
    const pdf = await PDFDocument.create();
    pdf.addPage([595, 842]).drawText(text.slice(0, 60), { x: 50, y: 700, size: 10 });
    const out = path.join(options.workDir, 'searchable.pdf');
    await fsp.writeFile(out, await pdf.save());
    const page = { pageNo: 1, text, meanConfidence: 91, rotation: 0 as const, skewDegrees: 0, source: 'ocr' as const };
    return { pageCount: 1, pages: [page], text, meanConfidence: 91, skippedOcr: false, searchablePdfPath: out, steps: ['scripted OCR'] };
  }
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const scan = (text: string) => Buffer.concat([PNG, Buffer.from(`${text}\n${Math.random()}`)]);

describe('scan pipeline failures (e2e)', () => {
  const processor = new ScriptedProcessor();
  const override = (b: any) => b.overrideProvider(DocumentProcessor).useValue(processor);
  let records: TestApp;
  let ingest: TestApp;
  let worker: TestApp;
  let sina: string;
  let reference: string;
  let db: DataSource;

  let isolated: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    // Own database and queues: the e2e suite of the real pipeline runs alongside with real OCR.
    isolated = await freshDatabase('ingest_recovery');
    const env = { DATABASE_URL: isolated.url, QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-recovery` };
    records = await startApp(RecordsApiModule, { env });
    ingest = await startApp(IngestAppModule, { env, override });
    worker = await startApp(WorkerModule, { env, override });
    sina = await ingest.token(users.scanOperator);
    const anna = await records.token(users.caseworker32);
    reference = (await records.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Fehlerfälle' }).expect(201)).body.reference;
    db = records.app.get(DataSource);
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await ingest?.close();
    await records?.close();
    await isolated?.drop();
  });

  const upload = async (...texts: string[]) => {
    let req = ingest.http().post('/api/v1/batches').set('Authorization', `Bearer ${sina}`);
    texts.forEach((t, i) => (req = req.attach('files', scan(t), `scan-${i}.png`)));
    return (await req.expect(202)).body as { id: string; documents: Array<{ id: string; status: string }> };
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const statusOf = async (id: string) => (await db.query(`SELECT status, error FROM documents WHERE id = $1`, [id]))[0] as { status: string; error: string | null };

  it('retries a transient failure and then files, and ends a permanent failure `failed` at once, visible in the batch', async () => {
    const batch = await upload(`Ihr Zeichen: ${reference} FLAKY-a`, 'REJECT this one', `Az. ${reference} TIMEOUT-b`);
    const [flaky, bad, slow] = batch.documents;
    await until('all finished', async () => {
      const s = await Promise.all([statusOf(flaky.id), statusOf(bad.id), statusOf(slow.id)]);
      return s.every((x) => ['filed', 'failed', 'needs_review'].includes(x.status)) ? s : undefined;
    });
    expect(await statusOf(flaky.id)).toMatchObject({ status: 'filed', error: null });
    expect(await statusOf(bad.id)).toMatchObject({ status: 'failed', error: 'page image is unreadable (scripted)' });
    // a timeout may be an overloaded machine: retried before it counts as permanent
    expect(await statusOf(slow.id)).toMatchObject({ status: 'filed', error: null });
    const view = (await ingest.http().get(`/api/v1/batches/${batch.id}`).set('Authorization', `Bearer ${sina}`).expect(200)).body;
    expect(view.status).toBe('completed');
    expect(view.documents[1]).toMatchObject({ status: 'failed', error: 'page image is unreadable (scripted)' });
    const queue = ingest.app.get<Queue>(getQueueToken(QueueName.Ingest), { strict: false });
    expect((await queue.getJob(flaky.id))?.attemptsMade).toBe(2);
    expect((await queue.getJob(bad.id))?.attemptsMade).toBe(1); // no retry for a permanent failure
    expect((await queue.getJob(slow.id))?.attemptsMade).toBe(2);
    // nothing uploaded is lost: the original of the failed scan is still there
    expect((await db.query(`SELECT count(*)::int AS n FROM document_files f JOIN document_versions v ON v.id = f.version_id WHERE v.document_id = $1 AND f.variant = 'original'`, [bad.id]))[0].n).toBe(1);
    const [audit] = await db.query(`SELECT action, reason FROM audit_events WHERE object_id = $1 AND action = 'document.ingest.fail'`, [bad.id]);
    expect(audit).toMatchObject({ reason: 'page image is unreadable (scripted)' });
  }, 60_000);

  it('re-enqueues a scan whose job was lost, through the sweep', async () => {
    const bull = worker.app.get(ProcessScanProcessor).worker;
    await bull.pause();
    try {
      const batch = await upload(`Az.: ${reference}`);
      const id = batch.documents[0].id;
      const queue = ingest.app.get<Queue>(getQueueToken(QueueName.Ingest), { strict: false });
      await (await queue.getJob(id))!.remove(); // e.g. Redis lost it
      await db.query(`UPDATE documents SET updated_at = now() - interval '1 hour' WHERE id = $1`, [id]);
      const result = await worker.app.get(StaleScanSweeper).sweep();
      expect(result.requeued).toEqual([id]);
      expect(await queue.getJob(id)).toBeDefined();
      bull.resume();
      await until('filed', async () => ((await statusOf(id)).status === 'filed' ? true : undefined));
      const [capture] = await db.query(`SELECT processing_steps FROM capture_records WHERE document_id = $1`, [id]);
      expect(JSON.stringify(capture.processing_steps)).toMatch(/sweep: re-enqueued \(job missing/);
    } finally {
      bull.resume();
    }
  }, 60_000);

  it('commits a document exactly once when two runs race (stalled job delivered twice)', async () => {
    const bull = worker.app.get(ProcessScanProcessor).worker;
    await bull.pause();
    try {
      const batch = await upload(`Ihr Zeichen: ${reference}`);
      const id = batch.documents[0].id;
      const pipeline = worker.app.get(IngestPipeline);
      const outcomes = await Promise.all([pipeline.run(id, batch.id), pipeline.run(id, batch.id)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['filed', 'skipped']);
      expect((await pipeline.run(id, batch.id)).status).toBe('skipped');
      const [counts] = await db.query(
        `SELECT (SELECT count(*)::int FROM document_files f JOIN document_versions v ON v.id = f.version_id WHERE v.document_id = $1 AND f.variant = 'searchable') AS searchable,
                (SELECT count(*)::int FROM transfer_notes WHERE document_id = $1) AS notes,
                (SELECT count(*)::int FROM audit_events WHERE object_id = $1::text AND action = 'document.file') AS filings`,
        [id],
      );
      expect(counts).toEqual({ searchable: 1, notes: 1, filings: 1 });
    } finally {
      bull.resume();
    }
  }, 60_000);
});
