import { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatBytes, formatDateTime, formatNumber, formatPercent, formatReference } from '../common/format';
import type { DocumentDetails } from './document-api';

/** One term and its value of a KERN description list. */
export function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="kern-description-list-item">
      <dt className="kern-description-list-item__key">{term}</dt>
      <dd className="kern-description-list-item__value">{children}</dd>
    </div>
  );
}

/** The word for a document type (the catalogue's, or the stored code for free types). */
export function useTypeLabel() {
  const { t, i18n } = useTranslation('document');
  return (type: string | null | undefined) => (type ? (i18n.exists(`document:types.${type}`) ? t(`types.${type}`) : type) : t('meta.noValue'));
}

const Hash = ({ value }: { value: string | null | undefined }) => (value ? <code className="document-hash">{value}</code> : <>–</>);

/** Metadata, classification, OCR summary, capture record and transfer note (TR-RESISCAN) of a document. */
export function DocumentDetailsView({ doc }: { doc: DocumentDetails }) {
  const { t } = useTranslation('document');
  const typeLabel = useTypeLabel();
  const c = doc.classification;
  const capture = doc.capture;
  const note = doc.transferNote;
  return (
    <>
      <section className="app-section" aria-labelledby="meta-heading">
        <h2 id="meta-heading" className="kern-heading-medium">
          {t('meta.heading')}
        </h2>
        <dl className="kern-description-list">
          <Item term={t('meta.documentType')}>{typeLabel(doc.documentType)}</Item>
          <Item term={t('meta.status')}>{t(`status.${doc.status}`, { defaultValue: doc.status })}</Item>
          <Item term={t('meta.department')}>{doc.departmentCode ?? t('meta.noValue')}</Item>
          <Item term={t('meta.caseFile')}>
            {doc.caseFileId ? (
              <Link className="kern-link" to={`/akten/${doc.caseFileId}`}>
                {c?.caseFileReference && doc.status === 'filed' ? formatReference(c.caseFileReference) : t('backToCaseFileUnknown')}
              </Link>
            ) : (
              t('inInbox', { department: doc.departmentCode ?? '–' })
            )}
          </Item>
          <Item term={t('meta.source')}>{t(`source.${doc.source}`, { defaultValue: doc.source })}</Item>
          <Item term={t('meta.createdAt')}>{formatDateTime(doc.createdAt)}</Item>
          <Item term={t('meta.updatedAt')}>{formatDateTime(doc.updatedAt)}</Item>
          <Item term={t('meta.currentVersion')}>{formatNumber(doc.currentVersion)}</Item>
          <Item term={t('meta.mimeType')}>{doc.mimeType ?? t('meta.noValue')}</Item>
          <Item term={t('meta.size')}>{doc.size !== null ? formatBytes(doc.size) : t('meta.noValue')}</Item>
          <Item term={t('meta.sha256')}>
            <Hash value={doc.sha256} />
          </Item>
          {doc.error && <Item term={t('meta.error')}>{doc.error}</Item>}
        </dl>
      </section>

      {c && (
        <section className="app-section" aria-labelledby="classification-heading">
          <h2 id="classification-heading" className="kern-heading-medium">
            {t('classification.heading')}
          </h2>
          <dl className="kern-description-list">
            <Item term={t('classification.suggestedType')}>{typeLabel(c.documentType)}</Item>
            <Item term={t('classification.suggestedDepartment')}>{c.departmentCode ?? t('meta.noValue')}</Item>
            <Item term={t('classification.suggestedCaseFile')}>{c.caseFileReference ? formatReference(c.caseFileReference) : t('meta.noValue')}</Item>
            <Item term={t('classification.confidence')}>{formatPercent(c.confidence)}</Item>
            <Item term={t('classification.reasons')}>
              {c.reasons.length ? (
                <ul className="document-list">
                  {c.reasons.map((r, i) => (
                    <li key={i}>{r}</li>
                  ))}
                </ul>
              ) : (
                t('meta.noValue')
              )}
            </Item>
          </dl>
        </section>
      )}

      {doc.ocr && (
        <section className="app-section" aria-labelledby="ocr-heading">
          <h2 id="ocr-heading" className="kern-heading-medium">
            {t('ocr.heading')}
          </h2>
          <dl className="kern-description-list">
            <Item term={t('ocr.pages')}>{formatNumber(doc.ocr.pageCount)}</Item>
            <Item term={t('ocr.meanConfidence')}>{doc.ocr.meanConfidence !== null ? formatPercent(doc.ocr.meanConfidence / 100) : t('meta.noValue')}</Item>
            <Item term={t('ocr.skipped')}>{doc.ocr.skippedOcr ? t('ocr.yes') : t('ocr.no')}</Item>
          </dl>
        </section>
      )}

      {capture && (
        <section className="app-section" aria-labelledby="capture-heading">
          <h2 id="capture-heading" className="kern-heading-medium">
            {t('capture.heading')}
          </h2>
          <dl className="kern-description-list">
            <Item term={t('capture.capturedBy')}>{capture.capturedBy.name ?? capture.capturedBy.sub}</Item>
            <Item term={t('capture.capturedAt')}>{formatDateTime(capture.capturedAt)}</Item>
            {capture.receivedAt && <Item term={t('capture.receivedAt')}>{formatDateTime(capture.receivedAt)}</Item>}
            <Item term={t('capture.scanner')}>{capture.scanner ?? t('meta.noValue')}</Item>
            <Item term={t('capture.profile')}>{capture.profile ?? t('meta.noValue')}</Item>
            <Item term={t('capture.pageCount')}>{capture.pageCount !== null ? formatNumber(capture.pageCount) : t('meta.noValue')}</Item>
            <Item term={t('capture.originalFilename')}>{capture.originalFilename}</Item>
            <Item term={t('capture.originalSha256')}>
              <Hash value={capture.originalSha256} />
            </Item>
            <Item term={t('capture.anomalies')}>{capture.anomalies.length ? capture.anomalies.join(', ') : t('capture.noAnomalies')}</Item>
            <Item term={t('capture.steps')}>
              <ol className="document-list">
                {capture.processingSteps.map((s, i) => (
                  <li key={i}>
                    <span className="kern-body kern-body--small">{formatDateTime(s.at)}</span> {s.step}
                  </li>
                ))}
              </ol>
            </Item>
          </dl>
        </section>
      )}

      {note && (
        <section className="app-section" aria-labelledby="transfer-heading">
          <h2 id="transfer-heading" className="kern-heading-medium">
            {t('transfer.heading')}
          </h2>
          <dl className="kern-description-list">
            <Item term={t('transfer.transferredBy')}>{note.transferredBy.name ?? note.transferredBy.sub}</Item>
            <Item term={t('transfer.transferredAt')}>{formatDateTime(note.transferredAt)}</Item>
            <Item term={t('transfer.context')}>{note.context}</Item>
            <Item term={t('transfer.qaResult')}>{t(`transfer.qa.${note.qaResult}`, { defaultValue: note.qaResult })}</Item>
            <Item term={t('transfer.statement')}>{note.statement}</Item>
            <Item term={t('transfer.searchableSha256')}>
              <Hash value={note.searchableSha256} />
            </Item>
            <Item term={t('transfer.noteSha256')}>
              <Hash value={note.noteSha256} />
            </Item>
          </dl>
        </section>
      )}
    </>
  );
}
