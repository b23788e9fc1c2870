import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatBytes, formatPercent, formatReference } from '../common/format';
import type { BatchDocument, Department } from './batch-api';
import { ICON, reasonOf, shownStatus, TONE } from './batch-status';
import { departmentName } from './use-departments';

/** One file of a batch: while it is sent (progress), then as the service reports it (doc). */
export interface FileRow {
  key: string;
  filename: string;
  size?: number;
  /** Share of the file sent, 0…1, while the upload runs. */
  progress?: number;
  doc?: BatchDocument;
}

/** The state of a file in words (plus colour and icon): never colour alone. */
export function StatusBadge({ row }: { row: FileRow }) {
  const { t } = useTranslation('scan-centre');
  if (!row.doc) {
    const uploading = (row.progress ?? 0) > 0;
    return (
      <span className="kern-badge kern-badge--small kern-badge--info">
        <span className="kern-icon kern-icon--drive-folder-upload" aria-hidden="true"></span>
        <span className="kern-label">{t(uploading ? 'status.uploading' : 'status.waiting')}</span>
      </span>
    );
  }
  const shown = shownStatus(row.doc.status);
  return (
    <span className={`kern-badge kern-badge--small kern-badge--${TONE[shown]}`}>
      <span className={`kern-icon kern-icon--${ICON[shown]}`} aria-hidden="true"></span>
      <span className="kern-label">{t(`status.${shown}`)}</span>
    </span>
  );
}

function ReasonText({ text }: { text: string }) {
  const { t } = useTranslation('scan-centre');
  const reason = reasonOf(text);
  return (
    <>
      <span className="kern-body">{t('result.reason', { reason: reason.key ? t(`reasons.${reason.key}`, reason.values) : reason.text })}</span>
      {reason.key && <span className="kern-body kern-body--small scan-centre__service-text">{t('result.serviceText', { text: reason.text })}</span>}
    </>
  );
}

/** What became of the file: Aktenzeichen, inbox department, reason, or the original of a duplicate. */
export function ResultDetails({ doc, departments }: { doc: BatchDocument; departments: Department[] | null }) {
  const { t } = useTranslation('scan-centre');
  const shown = shownStatus(doc.status);
  switch (shown) {
    case 'filed':
      return <span className="kern-body">{doc.caseFileReference ? t('result.filedInto', { reference: formatReference(doc.caseFileReference) }) : t('result.filedUnknown')}</span>;
    case 'inbox':
      return (
        <span className="kern-body">
          {doc.departmentCode
            ? t('result.inboxOf', { department: t('result.department', { code: doc.departmentCode, name: departmentName(departments, doc.departmentCode) }).trim() })
            : t('result.inboxNone')}
        </span>
      );
    case 'duplicate':
      return doc.duplicateOfBatchId ? (
        <Link className="kern-link" to={`/scanstelle/stapel/${doc.duplicateOfBatchId}#datei-${doc.duplicateOf}`}>
          {t('result.original')}
          <span className="app-visually-hidden"> ({doc.filename})</span>
        </Link>
      ) : (
        <span className="kern-body">{t('result.originalElsewhere', { id: doc.duplicateOf ?? doc.id })}</span>
      );
    case 'rejected':
    case 'failed':
      return doc.error ? <ReasonText text={doc.error} /> : null;
    default:
      return doc.pageCount ? <span className="kern-body">{t('table.pages', { count: doc.pageCount })}</span> : null;
  }
}

/** The files of a batch with their upload progress and then their live state. */
export function BatchFilesTable({ rows, departments, caption }: { rows: FileRow[]; departments: Department[] | null; caption?: string }) {
  const { t } = useTranslation('scan-centre');
  const showSize = rows.some((r) => r.size !== undefined);
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--small scan-centre__files">
        <caption className="kern-title">{caption ?? t('table.caption')}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              {t('table.file')}
            </th>
            {showSize && (
              <th scope="col" className="kern-table__header kern-table__header--numeric">
                {t('table.size')}
              </th>
            )}
            <th scope="col" className="kern-table__header">
              {t('table.status')}
            </th>
            <th scope="col" className="kern-table__header">
              {t('table.details')}
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {rows.map((row) => (
            <tr className="kern-table__row" key={row.key}>
              <th scope="row" className="kern-table__cell scan-centre__filename">
                {row.filename}
              </th>
              {showSize && <td className="kern-table__cell kern-table__cell--numeric">{row.size !== undefined ? formatBytes(row.size) : ''}</td>}
              <td className="kern-table__cell">
                <StatusBadge row={row} />
              </td>
              <td className="kern-table__cell scan-centre__result">
                {row.doc ? (
                  <ResultDetails doc={row.doc} departments={departments} />
                ) : row.progress !== undefined ? (
                  <span className="kern-progress scan-centre__progress">
                    <progress max={100} value={Math.round(row.progress * 100)} aria-label={t('upload.progressOf', { name: row.filename })}></progress>
                    <span className="kern-body kern-body--small">{t('upload.progress', { percent: formatPercent(row.progress) })}</span>
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const rowsOfDocuments = (documents: BatchDocument[]): FileRow[] =>
  documents.map((d, i) => ({ key: `p${d.position ?? i}`, filename: d.filename, doc: d }));
