import { DragEvent, FormEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../common/alerts';
import { ApiError } from '../common/api-client';
import { formatBytes } from '../common/format';
import { Batch, BatchFieldsInput, uploadBatch } from './batch-api';
import { fileProgress } from './batch-status';
import { BatchFilesTable, FileRow, rowsOfDocuments } from './batch-files-table';
import { LiveSummary } from './live-summary';
import { useDepartments } from './use-departments';
import { useLiveBatch } from './use-live-batch';

const REMEMBER_KEY = 'eakte.scan-centre.fields';
// a hint for the file picker only: the service checks every file's type by its content
const ACCEPT = '.pdf,.tif,.tiff,.jpg,.jpeg,.png,application/pdf,image/tiff,image/jpeg,image/png';

/** Today in Berlin as yyyy-mm-dd (the date input's value). */
function today(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return parts;
}

function rememberedFields(): BatchFieldsInput {
  const fields: BatchFieldsInput = { scanner: '', profile: '', receivedOn: today(), departmentCode: '' };
  try {
    const stored = JSON.parse(window.localStorage.getItem(REMEMBER_KEY) ?? '{}');
    if (typeof stored.scanner === 'string') fields.scanner = stored.scanner;
    if (typeof stored.profile === 'string') fields.profile = stored.profile;
  } catch {
    /* nothing remembered */
  }
  return fields;
}

interface FieldError {
  field: string;
  errors: string[];
}

const fieldErrorsOf = (e: unknown): FieldError[] =>
  e instanceof ApiError && e.status === 400 && Array.isArray(e.details) ? (e.details as FieldError[]).filter((d) => d && typeof d.field === 'string') : [];

/** A refusal of the upload explained: 413, 400 (with the fields), 503, else the shared message. */
function UploadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation('scan-centre');
  const { t: tc } = useTranslation();
  if (!(error instanceof ApiError) || ![400, 413, 415, 503].includes(error.status)) return <ErrorMessage error={error} />;
  const text = error.status === 413 ? t('errors.tooLarge') : error.status === 400 ? t('errors.invalid') : error.status === 415 ? t('errors.unsupportedMedia') : t('errors.unavailable');
  const fields = fieldErrorsOf(error);
  return (
    <div className="kern-alert kern-alert--danger" role="alert">
      <div className="kern-alert__header">
        <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
        <span className="kern-title">{tc('errors.title')}</span>
      </div>
      <div className="kern-alert__body">
        <p className="kern-body">{text}</p>
        {fields.length > 0 ? (
          <ul className="kern-body">
            {fields.map((f) => (
              <li key={f.field}>{t('errors.field', { field: t(`fieldNames.${f.field}`, { defaultValue: f.field }), message: f.errors.join(', ') })}</li>
            ))}
          </ul>
        ) : (
          error.message && <p className="kern-body">{tc('errors.reason', { message: error.message })}</p>
        )}
        {error.status === 503 && (
          <button type="button" className="kern-btn kern-btn--secondary" onClick={onRetry}>
            <span className="kern-label">{t('errors.retry')}</span>
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * Upload of a batch: the batch's fields, files by drag and drop or the file picker, per-file
 * progress while sending, then every file's live state until the batch is complete.
 */
export function UploadPanel({ onUploaded, onCompleted }: { onUploaded: (b: Batch) => void; onCompleted: () => void }) {
  const { t } = useTranslation('scan-centre');
  const id = useId();
  const { departments, error: departmentsError } = useDepartments();
  const [fields, setFields] = useState<BatchFieldsInput>(rememberedFields);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [sending, setSending] = useState(false);
  const [progress, setProgress] = useState<{ loaded: number; total: number }>({ loaded: 0, total: 0 });
  const [error, setError] = useState<unknown>(null);
  const [missingFiles, setMissingFiles] = useState(false);
  const [accepted, setAccepted] = useState<Batch | null>(null);
  const [sentFiles, setSentFiles] = useState<File[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const { batch, live } = useLiveBatch(accepted);

  const fieldErrors = useMemo(() => new Map(fieldErrorsOf(error).map((f) => [f.field, f.errors.join(', ')])), [error]);
  const invalid = { has: (name: string) => fieldErrors.has(name) };
  const errorText = (name: string) =>
    fieldErrors.has(name) ? (
      <p className="kern-error" id={`${id}-${name}-error`}>
        <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
        <span className="kern-body">{fieldErrors.get(name)}</span>
      </p>
    ) : null;
  const totalSize = files.reduce((n, f) => n + f.size, 0);

  useEffect(() => {
    if (live === 'done') onCompleted();
  }, [live, onCompleted]);

  const addFiles = (list: FileList | null) => {
    if (!list?.length) return;
    const added = Array.from(list);
    setFiles((prev) => [...prev, ...added]);
    setMissingFiles(false);
    setError(null);
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    addFiles(e.dataTransfer.files);
  };

  const send = useCallback(async () => {
    if (!files.length) {
      setMissingFiles(true);
      fileInput.current?.focus();
      return;
    }
    setSending(true);
    setError(null);
    setProgress({ loaded: 0, total: 0 });
    setSentFiles(files);
    try {
      window.localStorage.setItem(REMEMBER_KEY, JSON.stringify({ scanner: fields.scanner, profile: fields.profile }));
    } catch {
      /* not remembered */
    }
    try {
      const b = await uploadBatch(fields, files, setProgress);
      setAccepted(b);
      setFiles([]);
      onUploaded(b);
      requestAnimationFrame(() => resultHeading.current?.focus());
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  }, [fields, files, onUploaded]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void send();
  };

  const startOver = () => {
    setAccepted(null);
    setSentFiles([]);
    setError(null);
    setFields((f) => ({ ...f, receivedOn: today() }));
  };

  const set = (k: keyof BatchFieldsInput) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [k]: e.target.value }));
  const describedBy = (name: string, hint = true) => [hint ? `${id}-${name}-hint` : '', invalid.has(name) ? `${id}-${name}-error` : ''].filter(Boolean).join(' ') || undefined;

  // while sending: each chosen file with its share of the request's progress
  const sendingRows: FileRow[] = useMemo(() => {
    const shares = fileProgress(
      sentFiles.map((f) => f.size),
      progress.loaded,
      progress.total,
    );
    return sentFiles.map((f, i) => ({ key: `s${i}`, filename: f.name, size: f.size, progress: shares[i] }));
  }, [sentFiles, progress]);

  if (accepted) {
    const rows = rowsOfDocuments(batch?.documents ?? accepted.documents).map((r, i) => ({ ...r, size: sentFiles[i]?.size }));
    return (
      <section aria-labelledby={`${id}-result`} className="scan-centre__panel">
        <h2 id={`${id}-result`} className="kern-heading-medium" tabIndex={-1} ref={resultHeading}>
          {t('upload.resultHeading')}
        </h2>
        <p className="kern-body">{t('upload.accepted', { count: accepted.documents.length })}</p>
        <LiveSummary batch={batch} live={live} />
        <BatchFilesTable rows={rows} departments={departments} />
        <p className="scan-centre__actions">
          <Link className="kern-link" to={`/scanstelle/stapel/${accepted.id}`}>
            {t('upload.openBatch')}
          </Link>
          <button type="button" className="kern-btn kern-btn--secondary" onClick={startOver}>
            <span className="kern-icon kern-icon--add" aria-hidden="true"></span>
            <span className="kern-label">{t('upload.another')}</span>
          </button>
        </p>
      </section>
    );
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="scan-centre__panel">
      <h2 id={`${id}-heading`} className="kern-heading-medium">
        {t('upload.heading')}
      </h2>
      {error !== null && <UploadError error={error} onRetry={() => void send()} />}
      <form onSubmit={onSubmit} noValidate>
        <fieldset className="kern-fieldset" disabled={sending}>
          <legend className="kern-label">{t('upload.details')}</legend>
          <div className="kern-fieldset__body scan-centre__fields">
            <div className={`kern-form-input${invalid.has('scanner') ? ' kern-form-input--error' : ''}`}>
              <label className="kern-label" htmlFor={`${id}-scanner`}>
                {t('upload.scanner')}
              </label>
              <div className="kern-hint" id={`${id}-scanner-hint`}>
                {t('upload.scannerHint')}
              </div>
              <input id={`${id}-scanner`} className="kern-form-input__input" type="text" maxLength={200} autoComplete="off" value={fields.scanner} onChange={set('scanner')} aria-describedby={describedBy('scanner')} aria-invalid={invalid.has('scanner') || undefined} />
              {errorText('scanner')}
            </div>
            <div className={`kern-form-input${invalid.has('profile') ? ' kern-form-input--error' : ''}`}>
              <label className="kern-label" htmlFor={`${id}-profile`}>
                {t('upload.profile')}
              </label>
              <div className="kern-hint" id={`${id}-profile-hint`}>
                {t('upload.profileHint')}
              </div>
              <input id={`${id}-profile`} className="kern-form-input__input" type="text" maxLength={200} autoComplete="off" value={fields.profile} onChange={set('profile')} aria-describedby={describedBy('profile')} aria-invalid={invalid.has('profile') || undefined} />
              {errorText('profile')}
            </div>
            <div className={`kern-form-input${invalid.has('receivedAt') ? ' kern-form-input--error' : ''}`}>
              <label className="kern-label" htmlFor={`${id}-receivedAt`}>
                {t('upload.receivedOn')}
              </label>
              <div className="kern-hint" id={`${id}-receivedAt-hint`}>
                {t('upload.receivedOnHint')}
              </div>
              <input id={`${id}-receivedAt`} className="kern-form-input__input" type="date" value={fields.receivedOn} onChange={set('receivedOn')} aria-describedby={describedBy('receivedAt')} aria-invalid={invalid.has('receivedAt') || undefined} />
              {errorText('receivedAt')}
            </div>
            <div className={`kern-form-input${invalid.has('departmentCode') ? ' kern-form-input--error' : ''}`}>
              <label className="kern-label" htmlFor={`${id}-departmentCode`}>
                {t('upload.department')}
              </label>
              <div className="kern-hint" id={`${id}-departmentCode-hint`}>
                {t('upload.departmentHint')}
              </div>
              <div className="kern-form-input__select-wrapper">
                <select id={`${id}-departmentCode`} className="kern-form-input__select" value={fields.departmentCode} onChange={set('departmentCode')} aria-describedby={describedBy('departmentCode')} aria-invalid={invalid.has('departmentCode') || undefined}>
                  <option value="">{t('upload.noDepartment')}</option>
                  {(departments ?? []).map((d) => (
                    <option key={d.code} value={d.code}>
                      {t('upload.departmentOption', { code: d.code, name: d.name })}
                    </option>
                  ))}
                </select>
              </div>
              {errorText('departmentCode')}
              {departmentsError !== null && <p className="kern-body kern-body--small">{t('upload.departmentsFailed')}</p>}
            </div>
          </div>
        </fieldset>

        <fieldset className={`kern-fieldset scan-centre__files-fieldset${missingFiles ? ' kern-fieldset--error' : ''}`} disabled={sending}>
          <legend className="kern-label">{t('upload.files')}</legend>
          <div className="kern-fieldset__body">
          <div
            className={`scan-centre__dropzone${dragging ? ' scan-centre__dropzone--active' : ''}`}
            onDragEnter={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'copy';
            }}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
            }}
            onDrop={onDrop}
          >
            <span className="kern-icon kern-icon--large kern-icon--drive-folder-upload" aria-hidden="true"></span>
            <p className="kern-body scan-centre__drop-title" aria-hidden="true">
              {t(dragging ? 'upload.dropActive' : 'upload.drop')}
            </p>
            <div className="kern-hint" id={`${id}-files-hint`}>
              {t('upload.dropHint')}
            </div>
            <input
              id={`${id}-files`}
              ref={fileInput}
              className="scan-centre__file-input"
              type="file"
              multiple
              accept={ACCEPT}
              aria-describedby={`${id}-files-hint${missingFiles ? ` ${id}-files-error` : ''}`}
              aria-invalid={missingFiles || undefined}
              onChange={(e) => {
                addFiles(e.target.files);
                e.target.value = ''; // choosing the same file again adds it again
              }}
            />
            {/* the native control's own words come from the browser's language: a label in ours opens it */}
            <label className="kern-btn kern-btn--secondary scan-centre__choose" htmlFor={`${id}-files`}>
              <span className="kern-icon kern-icon--add" aria-hidden="true"></span>
              <span className="kern-label">{t('upload.choose')}</span>
            </label>
            {missingFiles && (
              <p className="kern-error" id={`${id}-files-error`} role="alert">
                <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
                <span className="kern-body">{t('upload.needFiles')}</span>
              </p>
            )}
          </div>
          {!sending && (
            <div className="scan-centre__chosen">
              <p className="kern-body" aria-live="polite">
                {files.length ? t('upload.chosen', { count: files.length, size: formatBytes(totalSize) }) : t('upload.noneChosen')}
              </p>
              {files.length > 0 && (
                <>
                  <ul className="scan-centre__chosen-list">
                    {files.map((f, i) => (
                      <li key={`${f.name}-${i}`} className="kern-body">
                        <span>
                          {f.name} <span className="kern-body--small">({formatBytes(f.size)})</span>
                        </span>
                        <button type="button" className="kern-btn kern-btn--tertiary kern-btn--x-small" onClick={() => setFiles((prev) => prev.filter((_, j) => j !== i))}>
                          <span className="kern-icon kern-icon--close" aria-hidden="true"></span>
                          <span className="kern-label">{t('upload.remove', { name: f.name })}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                  <button type="button" className="kern-btn kern-btn--tertiary" onClick={() => setFiles([])}>
                    <span className="kern-label">{t('upload.clear')}</span>
                  </button>
                </>
              )}
            </div>
          )}
          </div>
        </fieldset>

        {sending && <BatchFilesTable rows={sendingRows} departments={departments} />}

        <div className="scan-centre__actions">
          <button type="submit" className="kern-btn kern-btn--primary" disabled={sending}>
            <span className="kern-icon kern-icon--drive-folder-upload" aria-hidden="true"></span>
            <span className="kern-label">{t(sending ? 'upload.sending' : 'upload.submit')}</span>
          </button>
        </div>
      </form>
    </section>
  );
}
