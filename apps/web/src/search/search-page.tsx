import './search.css';
import { FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../common/api-client';
import { ErrorMessage } from '../common/alerts';
import { formatDate, formatNumber, formatReference } from '../common/format';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { SelectField } from '../common/select-field';
import { useUser } from '../common/session';
import { useTypeLabel } from '../document/document-details';
import { documentMessages } from '../document/messages';
import { searchMessages } from './messages';
import { parseSnippet } from './snippet';

registerMessages('search', searchMessages);
registerMessages('document', documentMessages);

const PAGE_SIZE = 20;
const DOCUMENT_TYPES = Object.keys(documentMessages.de.types);
const FILTERS = ['q', 'departmentCode', 'documentType', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];
type Form = Record<Filter, string>;

interface SearchHit {
  documentId: string;
  caseFileId: string | null;
  reference: string | null;
  title: string;
  documentType: string | null;
  departmentCode: string;
  createdAt: string;
  rank: number;
  snippet: string;
}

interface SearchPage {
  items: SearchHit[];
  page: number;
  pageSize: number;
  total: number;
  totalCapped: boolean;
  hasMore: boolean;
}

const formFrom = (params: URLSearchParams): Form => Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Form;

/**
 * Volltextsuche (/suche?q=…): German full-text search over the documents of the user's
 * departments, with filters (department, document type, capture date), paging and highlighted
 * snippets. The query and filters live in the URL, so a search can be bookmarked and the back
 * button returns to the previous one.
 */
export default function SearchPage() {
  const { t } = useTranslation('search');
  const user = useUser();
  const typeLabel = useTypeLabel();
  const [params, setParams] = useSearchParams();
  const [form, setForm] = useState<Form>(() => formFrom(params));
  const [result, setResult] = useState<{ key: string; data: SearchPage } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const key = params.toString();
  const q = params.get('q')?.trim() ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);

  // the form follows the URL (back/forward buttons, links)
  useEffect(() => setForm(formFrom(params)), [key]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!q) {
      setResult(null);
      setError(null);
      return;
    }
    const abort = new AbortController();
    setBusy(true);
    setError(null);
    const query = { ...Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? undefined])), q, page, pageSize: PAGE_SIZE };
    api<SearchPage>('/api/v1/search', { query, signal: abort.signal })
      .then((data) => setResult({ key, data }))
      .catch((e) => {
        if ((e as Error)?.name !== 'AbortError') {
          setResult(null);
          setError(e);
        }
      })
      .finally(() => !abort.signal.aborted && setBusy(false));
    return () => abort.abort();
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const f of FILTERS) if (form[f].trim()) next.set(f, form[f].trim());
    setParams(next);
  };
  const set = (f: Filter) => (e: { target: { value: string } }) => setForm((s) => ({ ...s, [f]: e.target.value }));
  const pageLink = (n: number) => {
    const next = new URLSearchParams(params);
    if (n > 1) next.set('page', String(n));
    else next.delete('page');
    return `/suche?${next}`;
  };

  const data = result?.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 0;
  const status = busy
    ? t('results.searching')
    : error
      ? ''
      : !q
        ? t('results.enterQuery')
        : !data
          ? ''
          : data.total === 0
            ? t('results.none', { q })
            : data.totalCapped
              ? t('results.countCapped', { total: formatNumber(data.total), q })
              : `${t('results.count', { count: data.total, total: formatNumber(data.total), q })}${pages > 1 ? ` · ${t('results.pageInfo', { page: data.page, pages })}` : ''}`;

  return (
    <Page title={q ? `${t('title')}: ${q}` : t('title')}>
      <form role="search" aria-label={t('form.label')} className="search-form" onSubmit={submit} noValidate>
        <div className="search-form__query">
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="search-q">
              {t('form.query')}
            </label>
            <div className="kern-hint" id="search-q-hint">
              {t('form.queryHint')}
            </div>
            <input id="search-q" className="kern-form-input__input" type="search" maxLength={200} value={form.q} onChange={set('q')} aria-describedby="search-q-hint" autoComplete="off" />
          </div>
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-icon kern-icon--search" aria-hidden="true"></span>
            <span className="kern-label">{t('form.submit')}</span>
          </button>
        </div>
        <fieldset className="kern-fieldset search-form__filters">
          <legend className="kern-label">{t('form.filters')}</legend>
          <div className="kern-fieldset__body kern-fieldset__body--horizontal app-form-row">
            <SelectField id="search-department" label={t('form.department')} value={form.departmentCode} onChange={set('departmentCode')}>
              <option value="">{t('form.allDepartments')}</option>
              {user.departments.map((d) => (
                <option key={d} value={d}>
                  {t('form.departmentOption', { code: d })}
                </option>
              ))}
            </SelectField>
            <SelectField id="search-type" label={t('form.documentType')} value={form.documentType} onChange={set('documentType')}>
              <option value="">{t('form.allTypes')}</option>
              {DOCUMENT_TYPES.map((type) => (
                <option key={type} value={type}>
                  {typeLabel(type)}
                </option>
              ))}
            </SelectField>
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="search-from">
                {t('form.from')}
              </label>
              <input id="search-from" className="kern-form-input__input" type="date" value={form.from} onChange={set('from')} />
            </div>
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="search-to">
                {t('form.to')}
              </label>
              <input id="search-to" className="kern-form-input__input" type="date" value={form.to} min={form.from || undefined} onChange={set('to')} />
            </div>
            <button type="button" className="kern-btn kern-btn--tertiary" onClick={() => setForm((s) => ({ ...s, departmentCode: '', documentType: '', from: '', to: '' }))}>
              <span className="kern-label">{t('form.reset')}</span>
            </button>
          </div>
        </fieldset>
      </form>

      <section className="app-section" aria-labelledby="results-heading">
        <h2 id="results-heading" className="kern-heading-medium">
          {t('results.heading')}
        </h2>
        <p className="kern-body" role="status" aria-live="polite">
          {status}
        </p>
        {error != null && <ErrorMessage error={error} />}
        {data && data.items.length > 0 && (
          <>
            <ol className="search-results" aria-label={t('results.list')} start={(data.page - 1) * PAGE_SIZE + 1}>
              {data.items.map((hit) => (
                <li key={hit.documentId} className="search-hit">
                  <h3 className="kern-heading-small search-hit__title">
                    <Link className="kern-link" to={`/dokumente/${hit.documentId}`}>
                      {hit.title}
                    </Link>
                  </h3>
                  <p className="kern-body kern-body--small search-hit__meta">
                    {hit.documentType && <span>{typeLabel(hit.documentType)}</span>}
                    {hit.caseFileId ? (
                      <Link className="kern-link" to={`/akten/${hit.caseFileId}`}>
                        {t('results.caseFile', { reference: hit.reference ? formatReference(hit.reference) : '' })}
                      </Link>
                    ) : (
                      <span>{t('results.inbox', { department: hit.departmentCode })}</span>
                    )}
                    {hit.caseFileId && <span>{t('results.department', { department: hit.departmentCode })}</span>}
                    <span>{t('results.created', { date: formatDate(hit.createdAt) })}</span>
                  </p>
                  {hit.snippet && (
                    <p className="kern-body search-hit__snippet">
                      <span className="app-visually-hidden">{t('results.snippet')}: </span>
                      {parseSnippet(hit.snippet).map((part, i) => (part.mark ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
                    </p>
                  )}
                </li>
              ))}
            </ol>
            {pages > 1 && (
              <nav aria-label={t('paging.label')} className="search-paging">
                {data.page > 1 ? (
                  <Link className="kern-btn kern-btn--secondary" to={pageLink(data.page - 1)}>
                    <span className="kern-icon kern-icon--arrow-back" aria-hidden="true"></span>
                    <span className="kern-label">{t('paging.previous')}</span>
                  </Link>
                ) : (
                  <span />
                )}
                <span className="kern-body">{t('results.pageInfo', { page: data.page, pages })}</span>
                {data.hasMore ? (
                  <Link className="kern-btn kern-btn--secondary" to={pageLink(data.page + 1)}>
                    <span className="kern-label">{t('paging.next')}</span>
                    <span className="kern-icon kern-icon--arrow-forward" aria-hidden="true"></span>
                  </Link>
                ) : (
                  <span />
                )}
              </nav>
            )}
          </>
        )}
      </section>
    </Page>
  );
}
