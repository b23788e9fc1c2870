import { FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../common/api-client';
import { ErrorMessage, Notice } from '../common/alerts';
import { AsyncResult } from '../common/async-result';
import { Disclosure } from '../common/disclosure';
import { formatDate, formatPercent, formatReference } from '../common/format';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { Paging } from '../common/paging';
import { apiOrPrefetched } from '../common/prefetch';
import { useUser } from '../common/session';
import { CaseFilePicker, PickedCaseFile } from './case-file-picker';
import { INBOX_PAGE_SIZE as PAGE_SIZE, inboxQuery } from './inbox-prefetch';
import { inboxMessages } from './messages';
import './inbox.css';

registerMessages('inbox', inboxMessages);

interface SuggestionReason {
  code: string;
  params: Record<string, string>;
  text: string;
}
interface InboxItem {
  id: string;
  title: string;
  documentType: string | null;
  departmentCode: string;
  createdAt: string;
  suggestion: {
    departmentCode: string | null;
    documentType: string | null;
    documentTypeConfidence: number | null;
    confidence: number;
    caseFileReference: string | null;
    caseFile: PickedCaseFile | null;
    reasons: SuggestionReason[];
  } | null;
  forwarded: { fromDepartmentCode: string; by: string; byName: string | null; at: string; comment: string | null } | null;
}
interface InboxPage {
  items: InboxItem[];
  page: number;
  pageSize: number;
  total: number;
}
interface Department {
  code: string;
  name: string;
}


/** The caseworker's home: the department's review inbox. */
export default function InboxPage() {
  const { t } = useTranslation('inbox');
  const user = useUser();
  const [department, setDepartment] = useState(user.departments[0] ?? '');
  const [departments, setDepartments] = useState<Department[]>([]);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<InboxPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    apiOrPrefetched<Department[]>('/api/v1/departments').then(setDepartments, () => setDepartments([]));
  }, []);

  const load = useCallback(async () => {
    if (!department) return;
    try {
      setError(null);
      const res = await apiOrPrefetched<InboxPage>('/api/v1/inbox', { query: inboxQuery(department, page) });
      if (res.items.length === 0 && page > 1 && res.total > 0) setPage(Math.max(1, Math.ceil(res.total / PAGE_SIZE)));
      setData(res);
    } catch (e) {
      setError(e);
    }
  }, [department, page]);

  useEffect(() => {
    setData(null);
    void load();
  }, [load]);

  const nameOf = (code: string) => departments.find((d) => d.code === code)?.name;
  const departmentLabel = (code: string) => (nameOf(code) ? t('departmentOption', { code, name: nameOf(code) }) : code);

  function settled(message: string) {
    setDone(message);
    void load();
    // the next thing to read is what happened; focus moves there so keyboard users are not lost
    window.setTimeout(() => doneRef.current?.focus(), 0);
  }

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <Page title={t('title')}>
      <p className="kern-body">{t('intro')}</p>
      {user.departments.length > 1 && (
        <div className="kern-form-input inbox-department">
          <label className="kern-label" htmlFor="inbox-department">
            {t('department')}
          </label>
          <div className="kern-form-input__select-wrapper">
            <select
              id="inbox-department"
              className="kern-form-input__select"
              value={department}
              onChange={(e) => {
                setDepartment(e.target.value);
                setPage(1);
                setDone(null);
              }}
            >
              {user.departments.map((d) => (
                <option key={d} value={d}>
                  {departmentLabel(d)}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      <div ref={doneRef} tabIndex={-1} role="status" className="inbox-done">
        {done && (
          <Notice tone="success" title={done} />
        )}
      </div>
      <AsyncResult data={data} error={error} onRetry={() => void load()}>
        {(data) => (
          <>
            <p className="kern-body kern-body--bold" role="status">
              {t('count', { count: data.total, department: departmentLabel(department) })}
            </p>
            {data.total === 0 ? (
              <Notice tone="info" title={t('empty')}>
                <p className="kern-body">{t('emptyText', { department: departmentLabel(department) })}</p>
              </Notice>
            ) : (
              <ol className="inbox-list">
                {data.items.map((item) => (
                  <li key={item.id}>
                    <InboxLetter item={item} departments={departments} departmentLabel={departmentLabel} onSettled={settled} onStale={() => void load()} />
                  </li>
                ))}
              </ol>
            )}
            <Paging label={t('paging')} className="inbox-paging" page={page} pages={pages} onPage={setPage} previous={t('previous')} next={t('next')} position={t('pageOf', { page, pages })} />
          </>
        )}
      </AsyncResult>
    </Page>
  );
}

function confidenceLevel(c: number): 'high' | 'medium' | 'low' {
  return c >= 0.8 ? 'high' : c >= 0.5 ? 'medium' : 'low';
}

function InboxLetter({
  item,
  departments,
  departmentLabel,
  onSettled,
  onStale,
}: {
  item: InboxItem;
  departments: Department[];
  departmentLabel: (code: string) => string;
  onSettled: (message: string) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation('inbox');
  const id = useId();
  const s = item.suggestion;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [picked, setPicked] = useState<PickedCaseFile | null>(null);
  const [pickError, setPickError] = useState(false);
  const [target, setTarget] = useState('');
  const [comment, setComment] = useState('');
  const typeLabel = (type: string | null) => (type ? t(`documentTypes.${type}`, { defaultValue: type }) : t('none'));

  async function file(caseFile: PickedCaseFile) {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/documents/${item.id}/filing`, { method: 'POST', json: { caseFileId: caseFile.id } });
      onSettled(t('filed', { title: item.title, reference: caseFile.reference }));
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.status === 409 && e.code === 'Conflict') onStale();
    } finally {
      setBusy(false);
    }
  }

  function fileChosen(e: FormEvent) {
    e.preventDefault();
    if (!picked) {
      setPickError(true);
      return;
    }
    void file(picked);
  }

  async function forward(e: FormEvent) {
    e.preventDefault();
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/documents/${item.id}/forward`, { method: 'POST', json: { departmentCode: target, comment: comment.trim() || undefined } });
      onSettled(t('forwardedDone', { title: item.title, department: departmentLabel(target) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const headingId = `${id}-heading`;
  const suggested = s?.caseFile ?? null;
  return (
    <article className="kern-card inbox-letter" aria-labelledby={headingId}>
      <div className="kern-card__container">
        <div className="kern-card__header">
          <h2 id={headingId} className="kern-heading-medium">
            {item.title}
          </h2>
          <p className="kern-body kern-body--small">
            {t('received', { date: formatDate(item.createdAt) })} ·{' '}
            <Link className="kern-link" to={`/dokumente/${item.id}`} aria-label={t('openDocumentOf', { title: item.title })}>
              {t('openDocument')}
            </Link>
          </p>
          {item.forwarded && (
            <p className="kern-body kern-body--small">
              {t('forwarded', { from: departmentLabel(item.forwarded.fromDepartmentCode), by: item.forwarded.byName ?? item.forwarded.by, date: formatDate(item.forwarded.at) })}
              {item.forwarded.comment && <> · {t('forwardedComment', { comment: item.forwarded.comment })}</>}
            </p>
          )}
        </div>
        <div className="kern-card__body">
          <h3 className="kern-heading-small">{t('suggestion')}</h3>
          <dl className="kern-description-list inbox-suggestion">
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">{t('suggestedCaseFile')}</dt>
              <dd className="kern-description-list-item__value">
                {suggested ? (
                  <>
                    <Link className="kern-link" to={`/akten/${suggested.id}`}>
                      {formatReference(suggested.reference)}
                    </Link>{' '}
                    – {suggested.title} ({t(`status.${suggested.status}`, { defaultValue: suggested.status })})
                  </>
                ) : s?.caseFileReference ? (
                  t('quotedReference', { reference: formatReference(s.caseFileReference) })
                ) : (
                  t('noSuggestedCaseFile')
                )}
              </dd>
            </div>
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">{t('suggestedDepartment')}</dt>
              <dd className="kern-description-list-item__value">{s?.departmentCode ? departmentLabel(s.departmentCode) : t('none')}</dd>
            </div>
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">{t('suggestedType')}</dt>
              <dd className="kern-description-list-item__value">
                {s?.documentType && s.documentTypeConfidence !== null
                  ? t('typeConfidence', { type: typeLabel(s.documentType), percent: formatPercent(s.documentTypeConfidence) })
                  : typeLabel(s?.documentType ?? item.documentType)}
              </dd>
            </div>
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">{t('confidence')}</dt>
              <dd className="kern-description-list-item__value">
                <span className={`kern-badge kern-badge--${confidenceLevel(s?.confidence ?? 0) === 'high' ? 'success' : confidenceLevel(s?.confidence ?? 0) === 'medium' ? 'warning' : 'info'}`}>
                  <span className="kern-label kern-label--small">{t('confidenceValue', { percent: formatPercent(s?.confidence ?? 0), level: t(`levels.${confidenceLevel(s?.confidence ?? 0)}`) })}</span>
                </span>
              </dd>
            </div>
          </dl>
          <h3 className="kern-heading-small">{t('reasons')}</h3>
          {s?.reasons.length ? (
            <ul className="kern-body inbox-reasons">
              {s.reasons.map((r, i) => (
                <li key={i}>{reasonText(t, r)}</li>
              ))}
            </ul>
          ) : (
            <p className="kern-body">{t('noReasons')}</p>
          )}

          {error !== null && <Refusal error={error} />}

          <div className="inbox-actions">
            {suggested && suggested.status === 'open' && (
              <button type="button" className="kern-btn kern-btn--primary" disabled={busy} onClick={() => void file(suggested)} aria-label={t('acceptLabel', { reference: suggested.reference })}>
                <span className="kern-icon kern-icon--check" aria-hidden="true"></span>
                <span className="kern-label">{t('accept')}</span>
              </button>
            )}
            {suggested && suggested.status !== 'open' && (
              <p className="kern-body">{t('acceptNotPossible', { status: t(`status.${suggested.status}`, { defaultValue: suggested.status }) })}</p>
            )}
          </div>

          <Disclosure className="inbox-disclosure" summaryClassName="kern-body kern-body--bold" summary={t('chooseCaseFile')}>
            <form onSubmit={fileChosen} noValidate className="inbox-form">
              <CaseFilePicker
                value={picked}
                onChange={(c) => {
                  setPicked(c);
                  setPickError(false);
                }}
              />
              {picked && <p className="kern-body">{t('chosen', { reference: formatReference(picked.reference), title: picked.title })}</p>}
              {pickError && (
                <p className="kern-error" role="alert">
                  {t('chooseFirst')}
                </p>
              )}
              <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
                <span className="kern-label">{t('fileInto')}</span>
              </button>
            </form>
          </Disclosure>

          <Disclosure className="inbox-disclosure" summaryClassName="kern-body kern-body--bold" summary={t('forward')}>
            <form onSubmit={forward} className="inbox-form">
              <div className="kern-form-input">
                <label className="kern-label" htmlFor={`${id}-target`}>
                  {t('forwardTo')}
                </label>
                <div className="kern-form-input__select-wrapper">
                  <select id={`${id}-target`} className="kern-form-input__select" required value={target} onChange={(e) => setTarget(e.target.value)}>
                    <option value="">{t('forwardChoose')}</option>
                    {departments
                      .filter((d) => d.code !== item.departmentCode)
                      .map((d) => (
                        <option key={d.code} value={d.code}>
                          {t('departmentOption', { code: d.code, name: d.name })}
                        </option>
                      ))}
                  </select>
                </div>
              </div>
              <div className="kern-form-input">
                <label className="kern-label" htmlFor={`${id}-comment`}>
                  {t('forwardComment')}
                </label>
                <textarea id={`${id}-comment`} className="kern-form-input__input" rows={2} maxLength={1000} value={comment} onChange={(e) => setComment(e.target.value)} />
              </div>
              <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy || !target}>
                <span className="kern-label">{t('forwardSubmit')}</span>
              </button>
            </form>
          </Disclosure>
        </div>
      </div>
    </article>
  );
}

function reasonText(t: (k: string, o?: Record<string, unknown>) => string, r: SuggestionReason): string {
  if (r.code === 'other') return r.text;
  const p: Record<string, unknown> = { ...r.params };
  if (p.probability) p.probability = formatPercent(Number(p.probability));
  if (p.documentType) p.documentType = t(`documentTypes.${p.documentType}`, { defaultValue: p.documentType });
  if (p.status) p.status = t(`status.${p.status}`, { defaultValue: p.status });
  const key = (r.code === 'department_predicted' || r.code === 'document_type_predicted') && r.params.evidence ? `reason.${r.code}_evidence` : `reason.${r.code}`;
  return t(key, { ...p, defaultValue: r.text });
}

/** A refusal of the service: known codes in the user's words, anything else as the shared ErrorMessage. */
function Refusal({ error }: { error: unknown }) {
  const { t } = useTranslation('inbox');
  if (error instanceof ApiError && (error.code === 'CaseFileClosed' || error.code === 'Conflict')) {
    return (
      <div className="kern-alert kern-alert--danger" role="alert">
        <div className="kern-alert__header">
          <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
          <span className="kern-title">{t(`refusal.${error.code}`)}</span>
        </div>
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}
