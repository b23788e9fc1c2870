import { ReactNode, useEffect, useId, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading } from '../common/alerts';
import { formatDate, formatDateTime, formatNumber } from '../common/format';
import { Page } from '../common/page';
import { Batch, BatchCapture, getBatch, getBatchCapture } from './batch-api';
import { shownStatus } from './batch-status';
import { BatchFilesTable, rowsOfDocuments } from './batch-files-table';
import { LiveSummary } from './live-summary';
import { departmentName, useDepartments } from './use-departments';
import { useLiveBatch } from './use-live-batch';

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="kern-description-list-item">
      <dt className="kern-description-list-item__key">{label}</dt>
      <dd className="kern-description-list-item__value">{children}</dd>
    </div>
  );
}

const Hash = ({ value }: { value: string }) => <code className="scan-centre__hash">{value}</code>;

/** Each file's capture record and transfer note (TR-RESISCAN), one disclosure per file. */
function CaptureRecords({ capture, openId }: { capture: BatchCapture; openId: string | null }) {
  const { t } = useTranslation('scan-centre');
  useEffect(() => {
    if (!openId) return;
    const el = document.getElementById(`datei-${openId}`);
    if (el instanceof HTMLDetailsElement) {
      el.open = true;
      el.querySelector('summary')?.focus();
      el.scrollIntoView({ block: 'start' });
    }
  }, [openId, capture]);
  return (
    <ul className="scan-centre__records">
      {capture.items.map((item) => {
        const c = item.capture;
        const n = item.transferNote;
        const shown = shownStatus(item.status);
        return (
          <li key={item.documentId}>
            <details className="scan-centre__record" id={`datei-${item.documentId}`}>
              <summary className="kern-body scan-centre__record-summary">{t('batch.summary', { name: item.filename, status: t(`status.${shown}`) })}</summary>
              <div className="scan-centre__record-body">
                <h3 className="kern-heading-small">{t('capture.heading')}</h3>
                <dl className="kern-description-list">
                  <Item label={t('capture.capturedBy')}>{c.capturedBy.name ?? c.capturedBy.sub}</Item>
                  <Item label={t('capture.scanner')}>{c.scanner ?? t('capture.none')}</Item>
                  <Item label={t('capture.profile')}>{c.profile ?? t('capture.none')}</Item>
                  <Item label={t('capture.capturedAt')}>{formatDateTime(c.capturedAt)}</Item>
                  <Item label={t('capture.receivedAt')}>{c.receivedAt ? formatDate(c.receivedAt) : t('capture.none')}</Item>
                  <Item label={t('capture.pages')}>{c.pageCount !== null ? formatNumber(c.pageCount) : t('capture.none')}</Item>
                  <Item label={t('capture.mimeType')}>{c.mimeType ?? t('capture.none')}</Item>
                  <Item label={t('capture.sha256')}>{c.originalSha256 ? <Hash value={c.originalSha256} /> : t('capture.notStored')}</Item>
                  <Item label={t('capture.anomalies')}>{c.anomalies.length ? c.anomalies.join(', ') : t('capture.noAnomalies')}</Item>
                  <Item label={t('capture.steps')}>
                    <ol className="scan-centre__steps">
                      {c.processingSteps.map((s, i) => (
                        <li key={i}>
                          <time dateTime={s.at}>{formatDateTime(s.at)}</time>: {s.step}
                        </li>
                      ))}
                    </ol>
                  </Item>
                </dl>
                <h3 className="kern-heading-small">{t('note.heading')}</h3>
                {n ? (
                  <dl className="kern-description-list">
                    <Item label={t('note.transferredBy')}>{n.transferredBy.name ?? n.transferredBy.sub}</Item>
                    <Item label={t('note.transferredAt')}>{formatDateTime(n.transferredAt)}</Item>
                    <Item label={t('note.context')}>{n.context}</Item>
                    <Item label={t('note.qaResult')}>{t(`note.qa.${n.qaResult}`, { defaultValue: n.qaResult })}</Item>
                    <Item label={t('note.statement')}>{n.statement}</Item>
                    <Item label={t('note.originalSha256')}>
                      <Hash value={n.originalSha256} />
                    </Item>
                    {n.searchableSha256 && (
                      <Item label={t('note.searchableSha256')}>
                        <Hash value={n.searchableSha256} />
                      </Item>
                    )}
                    <Item label={t('note.noteSha256')}>
                      <Hash value={n.noteSha256} />
                    </Item>
                  </dl>
                ) : (
                  <p className="kern-body">{t(shown === 'processing' ? 'note.pending' : 'note.none')}</p>
                )}
              </div>
            </details>
          </li>
        );
      })}
    </ul>
  );
}

/** A batch: its capture record, every file's live state, and each file's transfer note. */
export function BatchPage() {
  const { t } = useTranslation('scan-centre');
  const { id = '' } = useParams();
  const location = useLocation();
  const headingId = useId();
  const { departments } = useDepartments();
  const [initial, setInitial] = useState<Batch | null>(null);
  const [capture, setCapture] = useState<BatchCapture | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const { batch, live, error: liveError } = useLiveBatch(initial);

  useEffect(() => {
    const controller = new AbortController();
    setInitial(null);
    setError(null);
    getBatch(id, controller.signal).then(setInitial, (e) => (e as Error).name !== 'AbortError' && setError(e));
    return () => controller.abort();
  }, [id, attempt]);

  // the capture records once now, and again when the batch completes (transfer notes are written then)
  const complete = batch?.status === 'completed';
  useEffect(() => {
    if (!initial) return;
    const controller = new AbortController();
    getBatchCapture(id, controller.signal).then(setCapture, (e) => (e as Error).name !== 'AbortError' && setError(e));
    return () => controller.abort();
  }, [id, initial, complete]);

  const openId = location.hash.startsWith('#datei-') ? location.hash.slice('#datei-'.length) : null;
  const title = batch ? t('batch.title', { date: formatDateTime(batch.createdAt) }) : t('title');
  const back = (
    <Link className="kern-link" to="/scanstelle">
      <span className="kern-icon kern-icon--arrow-back" aria-hidden="true"></span> {t('batch.back')}
    </Link>
  );

  if (error || (!batch && liveError)) {
    return (
      <Page title={t('title')} actions={back}>
        <ErrorMessage error={error ?? liveError} onRetry={() => setAttempt((n) => n + 1)} />
      </Page>
    );
  }
  if (!batch) {
    return (
      <Page title={t('title')} actions={back}>
        <Loading />
      </Page>
    );
  }
  return (
    <Page title={title} actions={back}>
      <section aria-labelledby={`${headingId}-record`}>
        <h2 id={`${headingId}-record`} className="kern-heading-medium">
          {t('batch.record')}
        </h2>
        <dl className="kern-description-list">
          <Item label={t('batch.capturedBy')}>{batch.createdBy ? (batch.createdBy.name ?? batch.createdBy.sub) : t('batch.none')}</Item>
          <Item label={t('batch.scanner')}>{batch.scanner ?? t('batch.none')}</Item>
          <Item label={t('batch.profile')}>{batch.profile ?? t('batch.none')}</Item>
          <Item label={t('batch.receivedAt')}>{batch.receivedAt ? formatDate(batch.receivedAt) : t('batch.none')}</Item>
          <Item label={t('batch.uploadedAt')}>{formatDateTime(batch.createdAt)}</Item>
          <Item label={t('batch.department')}>
            {batch.departmentCode ? `${batch.departmentCode} ${departmentName(departments, batch.departmentCode)}`.trim() : t('batch.none')}
          </Item>
          <Item label={t('batch.files')}>{formatNumber(batch.documents.length)}</Item>
          <Item label={t('batch.state')}>{t(batch.status === 'completed' ? 'list.completed' : 'list.processing')}</Item>
          <Item label={t('batch.id')}>
            <code className="scan-centre__hash">{batch.id}</code>
          </Item>
        </dl>
      </section>

      <section aria-labelledby={`${headingId}-files`} className="app-section">
        <h2 id={`${headingId}-files`} className="kern-heading-medium">
          {t('batch.filesHeading')}
        </h2>
        <LiveSummary batch={batch} live={live} />
        <BatchFilesTable rows={rowsOfDocuments(batch.documents)} departments={departments} />
      </section>

      <section aria-labelledby={`${headingId}-notes`} className="app-section">
        <h2 id={`${headingId}-notes`} className="kern-heading-medium">
          {t('batch.notesHeading')}
        </h2>
        <p className="kern-body">{t('batch.notesIntro')}</p>
        {capture ? <CaptureRecords capture={capture} openId={openId} /> : <Loading />}
      </section>
    </Page>
  );
}
