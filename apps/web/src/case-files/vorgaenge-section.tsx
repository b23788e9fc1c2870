import { FormEvent, ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../common/api-client';
import { ErrorMessage } from '../common/alerts';
import { ReasonField } from '../common/reason-field';
import { formatDate, formatReference } from '../common/format';
import { CaseFileDetail, CONFIDENTIALITY_LEVELS, DOCUMENT_TYPES, DocumentSummary, Vorgang } from './api';

/**
 * A dialog that asks before a change is made: the button opens it, the form inside holds the new
 * values, "save" sends them; the server's refusal is shown in the dialog. The dialog exists only
 * while open (no hidden duplicate fields on the page); `onOpen` resets the fields.
 */
function ChangeDialog({
  id,
  openLabel,
  title,
  submitLabel,
  onSubmit,
  onOpen,
  children,
}: {
  id: string;
  onOpen?: () => void;
  openLabel: string;
  title: string;
  submitLabel: string;
  onSubmit: () => Promise<void>;
  children: ReactNode;
}) {
  const { t } = useTranslation('case-files');
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) dialog.current?.showModal();
  }, [open]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      dialog.current?.close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className="kern-btn kern-btn--secondary kern-btn--small"
        onClick={() => {
          onOpen?.();
          setError(null);
          setOpen(true);
        }}
      >
        <span className="kern-label">{openLabel}</span>
      </button>
      {open && (
      <dialog ref={dialog} className="kern-dialog case-file-dialog" aria-labelledby={`${id}-title`} onClose={() => setOpen(false)}>
        <form onSubmit={submit} noValidate>
          <div className="kern-dialog__header">
            <h2 id={`${id}-title`} className="kern-heading-medium">
              {title}
            </h2>
          </div>
          <div className="kern-dialog__body case-files-form">
            {children}
            {error !== null && <ErrorMessage error={error} />}
          </div>
          <div className="kern-dialog__footer">
            <button type="button" className="kern-btn kern-btn--secondary" onClick={() => dialog.current?.close()}>
              <span className="kern-label">{t('cancel')}</span>
            </button>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
              <span className="kern-label">{submitLabel}</span>
            </button>
          </div>
        </form>
      </dialog>
      )}
    </>
  );
}

function TextField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (v: string) => void }) {
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      <input id={id} type="text" className="kern-form-input__input" maxLength={500} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** Title and confidentiality of the case file, changed after a confirmation (audited with old and new value). */
export function EditCaseFile({ caseFile, onChanged }: { caseFile: CaseFileDetail; onChanged: (message: string) => void }) {
  const { t } = useTranslation('case-files');
  const [title, setTitle] = useState(caseFile.title);
  const [confidentiality, setConfidentiality] = useState(caseFile.confidentiality);
  const [reason, setReason] = useState('');
  return (
    <ChangeDialog
      onOpen={() => {
        setTitle(caseFile.title);
        setConfidentiality(caseFile.confidentiality);
        setReason('');
      }}
      id="edit-case-file"
      openLabel={t('editCaseFile.open')}
      title={t('editCaseFile.title', { reference: formatReference(caseFile.reference) })}
      submitLabel={t('saveChanges')}
      onSubmit={async () => {
        await api(`/api/v1/case-files/${caseFile.id}`, {
          method: 'PATCH',
          json: { title: title.trim(), confidentiality, ...(reason.trim() && { reason: reason.trim() }) },
        });
        onChanged(t('editCaseFile.done'));
      }}
    >
      <TextField id="edit-case-file-name" label={t('fields.title')} value={title} onChange={setTitle} />
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="edit-case-file-confidentiality">
          {t('fields.confidentiality')}
        </label>
        <div className="kern-form-input__select-wrapper">
          <select id="edit-case-file-confidentiality" className="kern-form-input__select" value={confidentiality} onChange={(e) => setConfidentiality(e.target.value)}>
            {CONFIDENTIALITY_LEVELS.map((c) => (
              <option key={c} value={c}>
                {t(`confidentiality.${c}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ReasonField id="edit-case-file-reason" label={t('changeReason')} value={reason} onChange={setReason} />
    </ChangeDialog>
  );
}

/** The Vorgänge of a case file: list, create, rename, close and reopen. */
export function VorgaengeSection({ caseFile, canWork, onChanged }: { caseFile: CaseFileDetail; canWork: boolean; onChanged: (message: string) => void }) {
  const { t } = useTranslation('case-files');
  const [title, setTitle] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const editable = canWork && caseFile.status === 'open';

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!title.trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api<Vorgang>(`/api/v1/case-files/${caseFile.id}/vorgaenge`, { method: 'POST', json: { title: title.trim() } });
      setTitle('');
      onChanged(t('vorgaenge.created', { reference: created.reference }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="vorgaenge-heading" className="case-file-section">
      <h2 id="vorgaenge-heading" className="kern-heading-medium">
        {t('vorgaenge.heading')}
      </h2>
      <p className="kern-body">{t('vorgaenge.intro')}</p>
      {caseFile.vorgaenge.length === 0 ? (
        <p className="kern-body">{t('vorgaenge.none')}</p>
      ) : (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--striped">
            <caption className="kern-title">{t('vorgaenge.caption', { count: caseFile.vorgaenge.length })}</caption>
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                {(['reference', 'title', 'status', 'documents', 'opened', ...(editable ? ['actions'] : [])] as const).map((c) => (
                  <th key={c} scope="col" className="kern-table__header">
                    {t(`vorgaenge.columns.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {caseFile.vorgaenge.map((v) => (
                <tr key={v.id} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">
                    {formatReference(v.reference)}
                  </th>
                  <td className="kern-table__cell">{v.title}</td>
                  <td className="kern-table__cell">
                    <span className={`kern-badge ${v.status === 'open' ? 'kern-badge--info' : 'kern-badge--success'}`}>
                      <span className="kern-label kern-label--small">{t(`vorgaenge.status.${v.status}`)}</span>
                    </span>
                    {v.closedAt && <> {t('vorgaenge.closedOn', { date: formatDate(v.closedAt) })}</>}
                  </td>
                  <td className="kern-table__cell">{caseFile.documents.filter((d) => d.vorgangId === v.id).length}</td>
                  <td className="kern-table__cell">{formatDate(v.openedAt)}</td>
                  {editable && (
                    <td className="kern-table__cell">
                      <div className="vorgang-actions">
                        <RenameVorgang vorgang={v} onChanged={onChanged} />
                        <CloseOrReopenVorgang vorgang={v} onChanged={onChanged} />
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editable && (
        <form onSubmit={create} noValidate className="case-files-form" aria-labelledby="vorgang-create-heading">
          <h3 id="vorgang-create-heading" className="kern-heading-small">
            {t('vorgaenge.create')}
          </h3>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="vorgang-title">
              {t('vorgaenge.newTitle')}
            </label>
            <input
              id="vorgang-title"
              type="text"
              className="kern-form-input__input"
              maxLength={500}
              aria-invalid={missing || undefined}
              value={title}
              onChange={(e) => {
                setTitle(e.target.value);
                setMissing(false);
              }}
            />
          </div>
          {missing && (
            <p className="kern-error" role="alert">
              {t('vorgaenge.missingTitle')}
            </p>
          )}
          {error !== null && <ErrorMessage error={error} />}
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
              <span className="kern-label">{t('vorgaenge.createSubmit')}</span>
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function RenameVorgang({ vorgang, onChanged }: { vorgang: Vorgang; onChanged: (message: string) => void }) {
  const { t } = useTranslation('case-files');
  const [title, setTitle] = useState(vorgang.title);
  return (
    <ChangeDialog
      onOpen={() => setTitle(vorgang.title)}
      id={`rename-${vorgang.id}`}
      openLabel={t('vorgaenge.rename', { reference: vorgang.reference })}
      title={t('vorgaenge.renameTitle', { reference: formatReference(vorgang.reference) })}
      submitLabel={t('saveChanges')}
      onSubmit={async () => {
        await api(`/api/v1/vorgaenge/${vorgang.id}`, { method: 'PATCH', json: { title: title.trim() } });
        onChanged(t('vorgaenge.renamed', { reference: vorgang.reference, title: title.trim() }));
      }}
    >
      <p className="kern-body">{t('vorgaenge.currentTitle', { title: vorgang.title })}</p>
      <TextField id={`rename-${vorgang.id}-name`} label={t('vorgaenge.newName')} value={title} onChange={setTitle} />
    </ChangeDialog>
  );
}

function CloseOrReopenVorgang({ vorgang, onChanged }: { vorgang: Vorgang; onChanged: (message: string) => void }) {
  const { t } = useTranslation('case-files');
  const closing = vorgang.status === 'open';
  return (
    <ChangeDialog
      id={`status-${vorgang.id}`}
      openLabel={t(closing ? 'vorgaenge.close' : 'vorgaenge.reopen', { reference: vorgang.reference })}
      title={t(closing ? 'vorgaenge.closeTitle' : 'vorgaenge.reopenTitle', { reference: formatReference(vorgang.reference) })}
      submitLabel={t(closing ? 'vorgaenge.closeConfirm' : 'vorgaenge.reopenConfirm')}
      onSubmit={async () => {
        await api(`/api/v1/vorgaenge/${vorgang.id}`, { method: 'PATCH', json: { status: closing ? 'closed' : 'open' } });
        onChanged(t(closing ? 'vorgaenge.closed' : 'vorgaenge.reopened', { reference: vorgang.reference }));
      }}
    >
      <p className="kern-body">{t(closing ? 'vorgaenge.closeText' : 'vorgaenge.reopenText')}</p>
    </ChangeDialog>
  );
}

/** Assigns a document of the case file to one of its open Vorgänge (or takes it out of any), with a reason. */
export function AssignDocument({ caseFile, onChanged }: { caseFile: CaseFileDetail; onChanged: (message: string) => void }) {
  const { t } = useTranslation('case-files');
  const [documentId, setDocumentId] = useState('');
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const open = caseFile.vorgaenge.filter((v) => v.status === 'open');
  if (!caseFile.documents.length || !caseFile.vorgaenge.length) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!documentId || !target || reason.trim().length < 3) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/documents/${documentId}/move`, { method: 'POST', json: { vorgangId: target === 'none' ? null : target, reason: reason.trim() } });
      const doc = caseFile.documents.find((d) => d.id === documentId);
      const v = caseFile.vorgaenge.find((x) => x.id === target);
      setDocumentId('');
      setTarget('');
      setReason('');
      onChanged(v ? t('assign.done', { title: doc?.title ?? '', reference: v.reference }) : t('assign.doneNone', { title: doc?.title ?? '' }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="case-files-form" aria-labelledby="assign-heading">
      <h3 id="assign-heading" className="kern-heading-small">
        {t('assign.heading')}
      </h3>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="assign-document">
          {t('assign.document')}
        </label>
        <div className="kern-form-input__select-wrapper">
          <select id="assign-document" className="kern-form-input__select" value={documentId} onChange={(e) => setDocumentId(e.target.value)}>
            <option value="">{t('create.choose')}</option>
            {caseFile.documents.map((d) => (
              <option key={d.id} value={d.id}>
                {d.title}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="assign-vorgang">
          {t('assign.vorgang')}
        </label>
        <div className="kern-form-input__select-wrapper">
          <select id="assign-vorgang" className="kern-form-input__select" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{t('create.choose')}</option>
            {open.map((v) => (
              <option key={v.id} value={v.id}>
                {t('assign.option', { reference: v.reference, title: v.title })}
              </option>
            ))}
            <option value="none">{t('assign.none')}</option>
          </select>
        </div>
      </div>
      <ReasonField id="assign-reason" label={t('assign.reason')} value={reason} onChange={setReason} />
      {missing && (
        <p className="kern-error" role="alert">
          {t('assign.missing')}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} />}
      <div>
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
          <span className="kern-label">{t('assign.submit')}</span>
        </button>
      </div>
    </form>
  );
}

/** Title and document type of a document of the case file, changed after a confirmation (audited with old and new value). */
export function EditDocument({ document, onChanged }: { document: DocumentSummary; onChanged: (message: string) => void }) {
  const { t } = useTranslation('case-files');
  const [title, setTitle] = useState(document.title);
  const [type, setType] = useState(document.documentType ?? '');
  const id = `edit-document-${document.id}`;
  return (
    <ChangeDialog
      onOpen={() => {
        setTitle(document.title);
        setType(document.documentType ?? '');
      }}
      id={id}
      openLabel={t('editDocument.open', { title: document.title })}
      title={t('editDocument.title', { title: document.title })}
      submitLabel={t('saveChanges')}
      onSubmit={async () => {
        await api(`/api/v1/documents/${document.id}`, { method: 'PATCH', json: { title: title.trim(), documentType: type || null } });
        onChanged(t('editDocument.done', { title: title.trim() }));
      }}
    >
      <TextField id={`${id}-name`} label={t('uploadTitle')} value={title} onChange={setTitle} />
      <div className="kern-form-input">
        <label className="kern-label" htmlFor={`${id}-type`}>
          {t('uploadType')}
        </label>
        <div className="kern-form-input__select-wrapper">
          <select id={`${id}-type`} className="kern-form-input__select" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">{t('uploadTypeNone')}</option>
            {DOCUMENT_TYPES.map((d) => (
              <option key={d} value={d}>
                {t(`documentTypes.${d}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
    </ChangeDialog>
  );
}
