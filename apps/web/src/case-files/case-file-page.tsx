import { FormEvent, ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError, apiUpload } from '../common/api-client';
import { ErrorMessage, Loading, Notice } from '../common/alerts';
import { formatDate, formatDateTime, formatPercent, formatReference } from '../common/format';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { NotFoundPage } from '../common/not-found-page';
import { hasRole, useUser } from '../common/session';
import { AuditEvent, AuditEventPage, CaseFileDetail, Department, DOCUMENT_TYPES, FilePlanUnit, HoldsResponse, MetadataChange } from './api';
import { AssignDocument, EditCaseFile, EditDocument, VorgaengeSection } from './vorgaenge-section';
import { StatusBadge } from './case-file-list-page';
import { caseFilesMessages } from './messages';
import './case-files.css';

registerMessages('case-files', caseFilesMessages);

const READ_ACTIONS = /\.(read|list|history)$|\.text\.read$|\.download$/;

/** A case file: metadata, retention and holds, documents (upload), close/reopen and the history. */
export default function CaseFilePage() {
  const { t } = useTranslation('case-files');
  const { id = '' } = useParams();
  const location = useLocation();
  const user = useUser();
  const [caseFile, setCaseFile] = useState<CaseFileDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [units, setUnits] = useState<FilePlanUnit[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [holds, setHolds] = useState<HoldsResponse | 'unavailable' | null>(null);
  const [history, setHistory] = useState<AuditEvent[] | null>(null);
  const [historyError, setHistoryError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>((location.state as { created?: string } | null)?.created ? t('create.created', { reference: (location.state as { created: string }).created }) : null);

  const load = useCallback(async () => {
    try {
      setError(null);
      setCaseFile(await api<CaseFileDetail>(`/api/v1/case-files/${encodeURIComponent(id)}`));
    } catch (e) {
      setError(e);
      return;
    }
    api<HoldsResponse>(`/api/v1/case-files/${encodeURIComponent(id)}/holds`).then(setHolds, () => setHolds('unavailable'));
    api<AuditEventPage>(`/api/v1/case-files/${encodeURIComponent(id)}/history`, { query: { order: 'asc', limit: 500 } }).then(
      (p) => {
        setHistory(p.items);
        setHistoryError(null);
      },
      (e) => setHistoryError(e),
    );
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    api<FilePlanUnit[]>('/api/v1/file-plan').then(setUnits, () => setUnits([]));
    api<Department[]>('/api/v1/departments').then(setDepartments, () => setDepartments([]));
  }, []);

  if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return <NotFoundPage />;
  if (error !== null)
    return (
      <Page title={t('listTitle')}>
        <ErrorMessage error={error} onRetry={() => void load()} />
      </Page>
    );
  if (!caseFile) return <Loading />;

  const canWork = hasRole(user, 'caseworker') && user.departments.includes(caseFile.departmentCode);
  const unit = units.find((u) => u.code === caseFile.filePlanCode);
  const department = departments.find((d) => d.code === caseFile.departmentCode);
  const changed = (text: string) => {
    setMessage(text);
    void load();
  };

  return (
    <Page title={t('pageTitle', { reference: formatReference(caseFile.reference) })}>
      <p className="kern-body kern-body--large">{caseFile.title}</p>
      <div role="status" className="case-file-message">
        {message && <Notice tone="success" title={message} />}
      </div>

      <section aria-labelledby="metadata-heading" className="case-file-section">
        <h2 id="metadata-heading" className="kern-heading-medium">
          {t('metadata')}
        </h2>
        <dl className="kern-description-list">
          <Item label={t('fields.reference')}>{formatReference(caseFile.reference)}</Item>
          <Item label={t('fields.title')}>{caseFile.title}</Item>
          <Item label={t('fields.department')}>{department ? `${department.code} – ${department.name}` : caseFile.departmentCode}</Item>
          <Item label={t('fields.unit')}>{unit ? `${unit.code} ${unit.title}` : caseFile.filePlanCode}</Item>
          <Item label={t('fields.confidentiality')}>{t(`confidentiality.${caseFile.confidentiality}`, { defaultValue: caseFile.confidentiality })}</Item>
          <Item label={t('fields.status')}>
            <StatusBadge status={caseFile.status} />
          </Item>
          <Item label={t('fields.opened')}>{formatDate(caseFile.openedAt)}</Item>
          <Item label={t('fields.closed')}>{caseFile.closedAt ? formatDate(caseFile.closedAt) : t('notClosed')}</Item>
        </dl>
        {canWork && (caseFile.status === 'open' || caseFile.status === 'closed') && <EditCaseFile key={`${caseFile.title}|${caseFile.confidentiality}`} caseFile={caseFile} onChanged={changed} />}
      </section>

      <section aria-labelledby="retention-heading" className="case-file-section">
        <h2 id="retention-heading" className="kern-heading-medium">
          {t('retention')}
        </h2>
        <dl className="kern-description-list">
          <Item label={t('retainUntil')}>
            {caseFile.retainUntil ? formatDate(caseFile.retainUntil) : caseFile.status === 'open' ? t('retainUntilOpen') : t('retainForever')}
          </Item>
          <Item label={t('holds')}>
            {holds === null ? (
              <Loading />
            ) : holds === 'unavailable' ? (
              t('holdsUnavailable')
            ) : holds.holds.length === 0 ? (
              t('noHolds')
            ) : (
              <ul className="case-file-holds">
                {holds.holds.map((h) => (
                  <li key={h.id}>
                    {t('hold', { date: formatDate(h.setAt), reason: h.reason })}
                    {h.reference && <> · {t('holdReference', { reference: h.reference })}</>}
                    {h.liftedAt && <> · {t('holdLifted', { date: formatDate(h.liftedAt) })}</>}
                  </li>
                ))}
              </ul>
            )}
          </Item>
        </dl>
      </section>

      {canWork && <CloseOrReopen caseFile={caseFile} onChanged={changed} />}

      <VorgaengeSection caseFile={caseFile} canWork={canWork} onChanged={changed} />

      <section aria-labelledby="documents-heading" className="case-file-section">
        <h2 id="documents-heading" className="kern-heading-medium">
          {t('documents')}
        </h2>
        {caseFile.documents.length === 0 ? (
          <p className="kern-body">{t('noDocuments')}</p>
        ) : (
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--striped">
              <caption className="kern-title">{t('documentsCaption', { count: caseFile.documents.length })}</caption>
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  {(['title', 'vorgang', 'type', 'status', 'version', 'created', ...(canWork && caseFile.status === 'open' ? (['actions'] as const) : [])] as const).map((c) => (
                    <th key={c} scope="col" className="kern-table__header">
                      {t(`docColumns.${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {caseFile.documents.map((d) => (
                  <tr key={d.id} className="kern-table__row">
                    <th scope="row" className="kern-table__cell">
                      {hasRole(user, 'caseworker') ? (
                        <Link className="kern-link" to={`/dokumente/${d.id}`}>
                          {d.title}
                        </Link>
                      ) : (
                        d.title
                      )}
                    </th>
                    <td className="kern-table__cell">{formatReference(caseFile.vorgaenge.find((v) => v.id === d.vorgangId)?.reference ?? '') || t('noVorgang')}</td>
                    <td className="kern-table__cell">{d.documentType ? t(`documentTypes.${d.documentType}`, { defaultValue: d.documentType }) : '–'}</td>
                    <td className="kern-table__cell">{t(`docStatus.${d.status}`, { defaultValue: d.status })}</td>
                    <td className="kern-table__cell">{t('version', { n: d.currentVersion })}</td>
                    <td className="kern-table__cell">{formatDate(d.createdAt)}</td>
                    {canWork && caseFile.status === 'open' && (
                      <td className="kern-table__cell">
                        <EditDocument document={d} onChanged={changed} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canWork && caseFile.status === 'open' && <AssignDocument key={caseFile.documents.map((d) => `${d.id}:${d.vorgangId}`).join()} caseFile={caseFile} onChanged={changed} />}
        {canWork && <UploadDocument key={caseFile.status} caseFile={caseFile} onUploaded={(title) => changed(t('uploaded', { title }))} />}
      </section>

      <section aria-labelledby="history-heading" className="case-file-section">
        <h2 id="history-heading" className="kern-heading-medium">
          {t('history')}
        </h2>
        <p className="kern-body">{t('historyIntro')}</p>
        {historyError !== null ? <ErrorMessage error={historyError} /> : history === null ? <Loading /> : <History events={history} />}
      </section>
    </Page>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="kern-description-list-item">
      <dt className="kern-description-list-item__key">{label}</dt>
      <dd className="kern-description-list-item__value">{children}</dd>
    </div>
  );
}

/** A refusal: known codes in the user's words, anything else as the shared ErrorMessage. */
function Refusal({ error }: { error: unknown }) {
  const { t } = useTranslation('case-files');
  if (error instanceof ApiError && error.code === 'CaseFileClosed') {
    return (
      <div className="kern-alert kern-alert--danger" role="alert">
        <div className="kern-alert__header">
          <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
          <span className="kern-title">{t('refusal.CaseFileClosed')}</span>
        </div>
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}

function CloseOrReopen({ caseFile, onChanged }: { caseFile: CaseFileDetail; onChanged: (message: string) => void }) {
  const { t } = useTranslation('case-files');
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reopenable = caseFile.status === 'closed' || caseFile.status === 'due';

  async function close() {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/case-files/${caseFile.id}/close`, { method: 'POST' });
      dialog.current?.close();
      onChanged(t('closed'));
    } catch (e) {
      dialog.current?.close();
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function reopen(e: FormEvent) {
    e.preventDefault();
    if (reason.trim().length < 3) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/case-files/${caseFile.id}/reopen`, { method: 'POST', json: { reason: reason.trim() } });
      setReason('');
      onChanged(t('reopened'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (caseFile.status !== 'open' && !reopenable) return null;
  return (
    <section aria-labelledby="actions-heading" className="case-file-section">
      <h2 id="actions-heading" className="kern-heading-medium">
        {t('actions')}
      </h2>
      {error !== null && <Refusal error={error} />}
      {caseFile.status === 'open' && (
        <>
          <button type="button" className="kern-btn kern-btn--secondary" onClick={() => dialog.current?.showModal()}>
            <span className="kern-label">{t('close')}</span>
          </button>
          <dialog ref={dialog} className="kern-dialog case-file-dialog" aria-labelledby="close-title" aria-describedby="close-text">
            <div className="kern-dialog__header">
              <h2 id="close-title" className="kern-heading-medium">
                {t('closeConfirmTitle', { reference: formatReference(caseFile.reference) })}
              </h2>
            </div>
            <div className="kern-dialog__body">
              <p id="close-text" className="kern-body">
                {t('closeConfirmText')}
              </p>
            </div>
            <div className="kern-dialog__footer">
              <button type="button" className="kern-btn kern-btn--secondary" onClick={() => dialog.current?.close()} autoFocus>
                <span className="kern-label">{t('cancel')}</span>
              </button>
              <button type="button" className="kern-btn kern-btn--primary" disabled={busy} onClick={() => void close()}>
                <span className="kern-label">{t('closeConfirm')}</span>
              </button>
            </div>
          </dialog>
        </>
      )}
      {reopenable && (
        <form onSubmit={reopen} noValidate className="case-files-form">
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="reopen-reason">
              {t('reopenReason')}
            </label>
            <div className="kern-hint" id="reopen-hint">
              {t('reopenHint')}
            </div>
            <textarea
              id="reopen-reason"
              className="kern-form-input__input"
              rows={3}
              required
              minLength={3}
              maxLength={2000}
              aria-describedby="reopen-hint"
              aria-invalid={missing || undefined}
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
                setMissing(false);
              }}
            />
          </div>
          {missing && (
            <p className="kern-error" role="alert">
              {t('reopenMissing')}
            </p>
          )}
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
              <span className="kern-label">{t('reopenSubmit')}</span>
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function UploadDocument({ caseFile, onUploaded }: { caseFile: CaseFileDetail; onUploaded: (title: string) => void }) {
  const { t } = useTranslation('case-files');
  const fileInput = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState('');
  const [type, setType] = useState('');
  const [vorgangId, setVorgangId] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file || !title.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setError(null);
    const form = new FormData();
    form.set('title', title.trim());
    if (type) form.set('documentType', type);
    if (vorgangId) form.set('vorgangId', vorgangId);
    form.set('file', file);
    setProgress(0);
    try {
      await apiUpload(`/api/v1/case-files/${caseFile.id}/documents`, form, (p) => p.total && setProgress(p.loaded / p.total));
      const done = title.trim();
      setTitle('');
      setType('');
      setVorgangId('');
      if (fileInput.current) fileInput.current.value = '';
      onUploaded(done);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  }

  return (
    <div className="kern-card case-file-upload">
      <div className="kern-card__container">
        <form onSubmit={submit} noValidate className="case-files-form" aria-labelledby="upload-heading">
          <h3 id="upload-heading" className="kern-heading-small">
            {t('upload')}
          </h3>
          <p className="kern-body">{t('uploadIntro')}</p>
          {caseFile.status !== 'open' && (
            <Notice tone="warning" title={t('uploadClosedNotice')} />
          )}
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="upload-file">
              {t('uploadFile')}
            </label>
            <input id="upload-file" ref={fileInput} type="file" className="kern-form-input__input" />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="upload-title">
              {t('uploadTitle')}
            </label>
            <input id="upload-title" type="text" className="kern-form-input__input" maxLength={500} value={title} onChange={(e) => setTitle(e.target.value)} />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="upload-type">
              {t('uploadType')}
            </label>
            <div className="kern-form-input__select-wrapper">
              <select id="upload-type" className="kern-form-input__select" value={type} onChange={(e) => setType(e.target.value)}>
                <option value="">{t('uploadTypeNone')}</option>
                {DOCUMENT_TYPES.map((d) => (
                  <option key={d} value={d}>
                    {t(`documentTypes.${d}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {caseFile.vorgaenge.some((v) => v.status === 'open') && (
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="upload-vorgang">
                {t('uploadVorgang')}
              </label>
              <div className="kern-form-input__select-wrapper">
                <select id="upload-vorgang" className="kern-form-input__select" value={vorgangId} onChange={(e) => setVorgangId(e.target.value)}>
                  <option value="">{t('noVorgang')}</option>
                  {caseFile.vorgaenge
                    .filter((v) => v.status === 'open')
                    .map((v) => (
                      <option key={v.id} value={v.id}>
                        {t('assign.option', { reference: v.reference, title: v.title })}
                      </option>
                    ))}
                </select>
              </div>
            </div>
          )}
          {missing && (
            <p className="kern-error" role="alert">
              {t('uploadMissing')}
            </p>
          )}
          {progress !== null && (
            <div>
              <progress className="kern-progress" max={1} value={progress} aria-label={t('uploadProgress', { percent: formatPercent(progress) })} />
              <p className="kern-body kern-body--small" role="status">
                {t('uploadProgress', { percent: formatPercent(progress) })}
              </p>
            </div>
          )}
          {error !== null && <Refusal error={error} />}
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={progress !== null}>
              <span className="kern-icon kern-icon--drive-folder-upload" aria-hidden="true"></span>
              <span className="kern-label">{t('uploadSubmit')}</span>
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

function History({ events }: { events: AuditEvent[] }) {
  const { t } = useTranslation('case-files');
  const { t: tc } = useTranslation();
  const [showReads, setShowReads] = useState(false);
  const changeValue = (field: string, value: string | null) => {
    if (value === null || value === '') return t('emptyValue');
    if (field === 'confidentiality') return t(`confidentiality.${value}`, { defaultValue: value });
    if (field === 'status') return t(`vorgaenge.status.${value}`, { defaultValue: value });
    if (field === 'documentType') return t(`documentTypes.${value}`, { defaultValue: value });
    return `„${value}“`;
  };
  const shown = events.filter((e) => showReads || !READ_ACTIONS.test(e.action) || e.outcome !== 'success');
  return (
    <>
      <div className="kern-form-check">
        <input id="history-reads" type="checkbox" className="kern-form-check__checkbox" checked={showReads} onChange={(e) => setShowReads(e.target.checked)} />
        <label className="kern-label" htmlFor="history-reads">
          {t('showReads')}
        </label>
      </div>
      {shown.length === 0 ? (
        <p className="kern-body">{t('noHistory')}</p>
      ) : (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--small">
            <caption className="kern-title">{t('historyCaption')}</caption>
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                {(['when', 'who', 'what', 'outcome', 'reason'] as const).map((c) => (
                  <th key={c} scope="col" className="kern-table__header">
                    {t(`historyColumns.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {shown.map((e) => {
                const title = typeof e.details?.title === 'string' ? e.details.title : null;
                const changes = Array.isArray(e.details?.changes) ? (e.details.changes as MetadataChange[]) : [];
                const reference = typeof e.details?.reference === 'string' && e.objectType === 'vorgang' ? e.details.reference : null;
                return (
                  <tr key={e.id} className="kern-table__row">
                    <td className="kern-table__cell">{formatDateTime(e.occurredAt)}</td>
                    <td className="kern-table__cell">
                      {e.actorSub
                        ? t('who', { name: e.actorName ?? e.actorSub, roles: e.actorRoles.map((r) => tc(`roles.${r}`, { defaultValue: r })).join(', ') })
                        : t('system')}
                    </td>
                    <td className="kern-table__cell">
                      {t(`events.${e.action}`, { defaultValue: e.action })}
                      {reference && <> {t('referenceNamed', { reference: formatReference(reference) })}</>}
                      {title && <> {t('documentNamed', { title })}</>}
                      {changes.length > 0 && (
                        <ul className="case-file-changes">
                          {changes.map((c) => (
                            <li key={c.field}>
                              {t('change', {
                                field: t(`changeFields.${c.field}`, { defaultValue: c.field }),
                                old: changeValue(c.field, c.old),
                                new: changeValue(c.field, c.new),
                              })}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="kern-table__cell">{t(`outcome.${e.outcome}`, { defaultValue: e.outcome })}</td>
                    <td className="kern-table__cell">{e.reason ?? '–'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
