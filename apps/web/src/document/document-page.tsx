import './document.css';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading } from '../common/alerts';
import { registerMessages } from '../common/i18n';
import { formatBytes, formatDateTime, formatReference } from '../common/format';
import { Page } from '../common/page';
import { contentUrl, DocumentDetails, DocumentText, DocumentVersion, FileVariant, peekDocument, prefetchDocument, renderingOf, takeDocument } from './document-api';
import { DocumentDetailsView } from './document-details';
import { documentMessages } from './messages';
import { ImageView } from './image-view';
import { OcrText } from './ocr-text';
import { loadPdfJs, PdfViewer } from './pdf-viewer';
import { VersionUpload } from './version-upload';

registerMessages('document', documentMessages);

// Opened by its URL (a link, a bookmark, a reload): ask for the document and start pdf.js now,
// while React is still getting the screen ready, not after it has committed.
performance.mark('eakte:document-module');
const opened = window.location.pathname.match(/^\/dokumente\/([^/?#]+)$/);
// pdf.js (a large script to evaluate) only once the content request is out, so it does not hold that back
if (opened) prefetchDocument(decodeURIComponent(opened[1]), () => void loadPdfJs().catch(() => undefined));

/**
 * Dokumentansicht (/dokumente/:id): the searchable PDF page by page with a selectable text layer,
 * the recognised text and its confidence per page beside it, downloads of original and searchable
 * rendition, the versions (picker and upload of a new one) and the metadata with capture record
 * and transfer note. The version shown is in the URL (`?version=2`).
 */
export default function DocumentPage() {
  const { t } = useTranslation('document');
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [doc, setDoc] = useState<DocumentDetails | null>(() => peekDocument(id).doc);
  const [text, setText] = useState<DocumentText | null>(() => peekDocument(id).text);
  const [error, setError] = useState<unknown>(null);
  const [textError, setTextError] = useState<unknown>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setError(null);
      const { doc, text } = takeDocument(id, signal);
      doc.then(setDoc).catch((e) => (e as Error)?.name !== 'AbortError' && setError(e));
      text
        .then(setText)
        .catch((e) => (e as Error)?.name !== 'AbortError' && setTextError(e));
    },
    [id],
  );

  useEffect(() => {
    // start pdf.js and its worker while the metadata is on its way (opened by URL: see above)
    performance.mark('eakte:document-mounted');
    if (!opened) loadPdfJs().catch(() => undefined);
  }, []);
  useEffect(() => {
    if (doc) performance.mark('eakte:document-shown');
  }, [doc]);

  useEffect(() => {
    const abort = new AbortController();
    const ready = peekDocument(id);
    setDoc(ready.doc);
    setText(ready.text);
    setTextError(null);
    load(abort.signal);
    return () => abort.abort();
  }, [load]);

  if (error) {
    return (
      <Page title={t('title')}>
        <ErrorMessage error={error} onRetry={() => load()} />
      </Page>
    );
  }
  if (!doc) {
    return (
      <Page title={t('title')}>
        <Loading />
      </Page>
    );
  }

  const requested = Number(params.get('version'));
  const version = doc.versions.find((v) => v.versionNo === requested) ?? doc.versions.find((v) => v.versionNo === doc.currentVersion) ?? doc.versions[doc.versions.length - 1];
  const versionNo = version?.versionNo ?? doc.currentVersion;
  const rendering = renderingOf(version);
  const selectVersion = (n: number) => setParams(n === doc.currentVersion ? {} : { version: String(n) }, { replace: false });
  const reference = doc.status === 'filed' ? doc.classification?.caseFileReference : null;

  return (
    <Page
      title={doc.title}
      actions={
        doc.caseFileId ? (
          <Link className="kern-btn kern-btn--tertiary" to={`/akten/${doc.caseFileId}`}>
            <span className="kern-icon kern-icon--arrow-back" aria-hidden="true"></span>
            <span className="kern-label">{reference ? t('backToCaseFile', { reference: formatReference(reference) }) : t('backToCaseFileUnknown')}</span>
          </Link>
        ) : undefined
      }
    >
      <div className="document-bar">
        <div className="kern-form-input document-bar__version">
          <label className="kern-label" htmlFor="version-picker">
            {t('versions.picker')}
          </label>
          <div className="kern-form-input__select-wrapper">
            <select id="version-picker" className="kern-form-input__select" value={versionNo} onChange={(e) => selectVersion(Number(e.target.value))}>
              {[...doc.versions].reverse().map((v) => (
                <option key={v.versionNo} value={v.versionNo}>
                  {t('versions.option', { version: v.versionNo, date: formatDateTime(v.createdAt) })}
                  {v.versionNo === doc.currentVersion ? ` ${t('versions.current')}` : ''}
                </option>
              ))}
            </select>
          </div>
        </div>
        <Downloads documentId={doc.id} version={version} />
      </div>

      <div className="document-layout">
        <section className="document-layout__view" aria-labelledby="view-heading">
          <h2 id="view-heading" className="kern-heading-medium">
            {t('viewer.heading')}
          </h2>
          {rendering.kind !== 'none' && <p className="kern-body kern-body--small">{t(`viewer.rendition.${rendering.variant}`)}</p>}
          {rendering.kind === 'pdf' && <PdfViewer url={contentUrl(doc.id, rendering.variant, versionNo)} label={t('viewer.region', { version: versionNo })} />}
          {rendering.kind === 'image' && (
            <ImageView url={contentUrl(doc.id, rendering.variant, versionNo)} mimeType={rendering.mimeType} alt={t('viewer.image', { title: doc.title, version: versionNo })} />
          )}
          {rendering.kind === 'none' && <p className="kern-body">{t('viewer.notRendered', { mimeType: rendering.mimeType })}</p>}
        </section>
        <section className="document-layout__text" aria-labelledby="text-heading">
          <h2 id="text-heading" className="kern-heading-medium">
            {t('text.heading')}
          </h2>
          {doc.versions.length > 1 && <p className="kern-body kern-body--small">{t('text.versionNote')}</p>}
          {textError ? <ErrorMessage error={textError} /> : text ? <OcrText text={text} pages={doc.ocr?.pages ?? text.ocr?.pages ?? []} /> : <Loading />}
        </section>
      </div>

      <section className="app-section" aria-labelledby="versions-heading">
        <h2 id="versions-heading" className="kern-heading-medium">
          {t('versions.heading')}
        </h2>
        <Versions doc={doc} shown={versionNo} onShow={selectVersion} />
        <h3 className="kern-heading-small">{t('upload.heading')}</h3>
        <VersionUpload
          documentId={doc.id}
          onUploaded={(updated) => {
            setDoc(updated);
            setParams({}, { replace: false });
          }}
        />
      </section>

      <DocumentDetailsView doc={doc} />
    </Page>
  );
}

/** Download links to the content route (the service sends the file; the browser saves it). */
function Downloads({ documentId, version }: { documentId: string; version: DocumentVersion | undefined }) {
  const { t } = useTranslation('document');
  if (!version) return null;
  const link = (variant: FileVariant) => {
    const file = version.files.find((f) => f.variant === variant);
    if (!file) return null;
    return (
      <a className="kern-btn kern-btn--secondary" href={contentUrl(documentId, variant, version.versionNo)} download={file.filename ?? ''}>
        <span className="kern-icon kern-icon--download" aria-hidden="true"></span>
        <span className="kern-label">
          {t(`download.${variant}`)}
          <span className="app-visually-hidden">, {t('download.hint', { version: version.versionNo, size: formatBytes(file.size) })}</span>
        </span>
      </a>
    );
  };
  return (
    <div className="document-bar__downloads" role="group" aria-label={t('download.heading')}>
      {link('original')}
      {link('searchable')}
    </div>
  );
}

function Versions({ doc, shown, onShow }: { doc: DocumentDetails; shown: number; onShow: (n: number) => void }) {
  const { t } = useTranslation('document');
  return (
    <div className="kern-table-responsive">
      <table className="kern-table">
        <caption className="app-visually-hidden">{t('versions.caption')}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              {t('versions.number')}
            </th>
            <th scope="col" className="kern-table__header">
              {t('versions.createdAt')}
            </th>
            <th scope="col" className="kern-table__header">
              {t('versions.createdBy')}
            </th>
            <th scope="col" className="kern-table__header">
              {t('versions.comment')}
            </th>
            <th scope="col" className="kern-table__header">
              {t('versions.files')}
            </th>
            <th scope="col" className="kern-table__header">
              <span className="app-visually-hidden">{t('versions.show', { version: '' })}</span>
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {[...doc.versions].reverse().map((v) => (
            <tr key={v.versionNo} className="kern-table__row">
              <th scope="row" className="kern-table__header">
                {v.versionNo} {v.versionNo === doc.currentVersion ? t('versions.current') : ''}
              </th>
              <td className="kern-table__cell">{formatDateTime(v.createdAt)}</td>
              <td className="kern-table__cell">{v.createdBy}</td>
              <td className="kern-table__cell">{v.comment ?? '–'}</td>
              <td className="kern-table__cell">
                <ul className="document-list">
                  {v.files.map((f) => (
                    <li key={f.variant}>{t('versions.file', { variant: t(`variants.${f.variant}`), mimeType: f.mimeType, size: formatBytes(f.size) })}</li>
                  ))}
                </ul>
              </td>
              <td className="kern-table__cell">
                {v.versionNo === shown ? (
                  <span className="kern-body">{t('versions.shown')}</span>
                ) : (
                  <button type="button" className="kern-btn kern-btn--tertiary" onClick={() => onShow(v.versionNo)}>
                    <span className="kern-label">{t('versions.show', { version: v.versionNo })}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
