import { FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiUpload } from '../common/api-client';
import { ErrorMessage, Notice } from '../common/alerts';
import { formatPercent } from '../common/format';
import { DocumentDetails, documentPath } from './document-api';

/** Uploads a new version (POST /documents/:id/versions, multipart `file` and `comment`). */
export function VersionUpload({ documentId, onUploaded }: { documentId: string; onUploaded: (doc: DocumentDetails) => void }) {
  const { t } = useTranslation('document');
  const file = useRef<HTMLInputElement>(null);
  const [comment, setComment] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<number | null>(null);
  const [missingFile, setMissingFile] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = file.current?.files?.[0];
    setError(null);
    setDone(null);
    if (!chosen) {
      setMissingFile(true);
      file.current?.focus();
      return;
    }
    setMissingFile(false);
    const form = new FormData();
    if (comment.trim()) form.append('comment', comment.trim());
    form.append('file', chosen, chosen.name);
    setProgress(0);
    try {
      const doc = await apiUpload<DocumentDetails>(`${documentPath(documentId)}/versions`, form, (p) => setProgress(p.total ? p.loaded / p.total : 0));
      setDone(doc.currentVersion);
      setComment('');
      if (file.current) file.current.value = '';
      onUploaded(doc);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };

  return (
    <form className="version-upload" onSubmit={(e) => void submit(e)} noValidate>
      <div className={`kern-form-input${missingFile ? ' kern-form-input--error' : ''}`}>
        <label className="kern-label" htmlFor="version-file">
          {t('upload.file')}
        </label>
        <div className="kern-hint" id="version-file-hint">
          {t('upload.fileHint')}
        </div>
        <input
          id="version-file"
          ref={file}
          className="kern-form-input__input"
          type="file"
          aria-describedby={missingFile ? 'version-file-hint version-file-error' : 'version-file-hint'}
          aria-invalid={missingFile || undefined}
        />
        {missingFile && (
          <p className="kern-error" id="version-file-error" role="alert">
            <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
            <span className="kern-body">{t('upload.chooseFile')}</span>
          </p>
        )}
      </div>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="version-comment">
          {t('upload.comment')}
        </label>
        <textarea id="version-comment" className="kern-form-input__input" rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      </div>
      <button type="submit" className="kern-btn kern-btn--primary" disabled={progress !== null}>
        <span className="kern-icon kern-icon--drive-folder-upload" aria-hidden="true"></span>
        <span className="kern-label">{t('upload.submit')}</span>
      </button>
      <div role="status" className="version-upload__status">
        {progress !== null && (
          <>
            <progress className="kern-progress" max={1} value={progress} aria-label={t('upload.progress', { percent: formatPercent(progress) })}></progress>
            <span className="kern-body">{t('upload.progress', { percent: formatPercent(progress) })}</span>
          </>
        )}
        {done !== null && <Notice tone="success" title={t('upload.done', { version: done })} />}
      </div>
      {error != null &&
        (error instanceof ApiError && error.code === 'CaseFileClosed' ? (
          <Notice tone="warning" title={t('upload.closed')} />
        ) : (
          <ErrorMessage error={error} />
        ))}
    </form>
  );
}
