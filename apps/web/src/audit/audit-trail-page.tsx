import { FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { AsyncResult } from '../common/async-result';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { AuditEvent, AuditFilters, exportUrl, fetchEvents, FILTER_KEYS } from './audit-api';
import { AuditEventTable } from './audit-event-table';
import { auditMessages } from './messages';

registerMessages('audit', auditMessages);

const OBJECT_TYPES = ['case_file', 'document', 'document_version', 'batch', 'department', 'file_plan_unit', 'disposal_offer', 'legal_hold', 'session'];

function filtersOf(params: URLSearchParams): AuditFilters {
  const f: AuditFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  return f;
}

/** The audit trail: filters in the URL, pages by cursor, every event readable and its raw fields, export. */
export default function AuditTrailPage() {
  const { t } = useTranslation('audit');
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersOf(params), [params]);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const actions = t('actions', { returnObjects: true }) as Record<string, string>;
  const objectTypes = t('objectTypes', { returnObjects: true }) as Record<string, string>;

  const load = useCallback(() => {
    setEvents(null);
    setError(null);
    fetchEvents(filters).then(
      (p) => {
        setEvents(p.items);
        setCursor(p.nextCursor);
      },
      (e) => setError(e),
    );
  }, [filters]);
  useEffect(load, [load]);

  const more = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const p = await fetchEvents(filters, cursor);
      setEvents((prev) => [...(prev ?? []), ...p.items]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = String(data.get(k) ?? '').trim();
      if (v) next.set(k, v);
    }
    setParams(next);
  };

  return (
    <Page title={t('trailTitle')}>
      <p className="kern-body">{t('trailIntro')}</p>
      <form onSubmit={submit} key={params.toString()}>
        <fieldset className="kern-fieldset">
          <legend className="kern-label kern-label--large">{t('filters')}</legend>
          <div className="audit-filters">
            <Field id="audit-from" label={t('from')}>
              <input id="audit-from" name="from" type="date" className="kern-form-input__input" defaultValue={filters.from ?? ''} />
            </Field>
            <Field id="audit-to" label={t('to')}>
              <input id="audit-to" name="to" type="date" className="kern-form-input__input" defaultValue={filters.to ?? ''} />
            </Field>
            <Field id="audit-actor" label={t('actor')}>
              <input id="audit-actor" name="actor" type="text" autoComplete="off" className="kern-form-input__input" defaultValue={filters.actor ?? ''} />
            </Field>
            <Field id="audit-action" label={t('action')}>
              <div className="kern-form-input__select-wrapper">
                <select id="audit-action" name="action" className="kern-form-input__select" defaultValue={filters.action ?? ''}>
                  <option value="">{t('anyAction')}</option>
                  {Object.entries(actions)
                    .sort((a, b) => a[1].localeCompare(b[1]))
                    .map(([code, text]) => (
                      <option key={code} value={code}>
                        {text}
                      </option>
                    ))}
                </select>
              </div>
            </Field>
            <Field id="audit-object-type" label={t('objectType')}>
              <div className="kern-form-input__select-wrapper">
                <select id="audit-object-type" name="objectType" className="kern-form-input__select" defaultValue={filters.objectType ?? ''}>
                  <option value="">{t('anyObjectType')}</option>
                  {OBJECT_TYPES.map((o) => (
                    <option key={o} value={o}>
                      {objectTypes[o] ?? o}
                    </option>
                  ))}
                </select>
              </div>
            </Field>
            <Field id="audit-object-id" label={t('objectId')}>
              <input id="audit-object-id" name="objectId" type="text" autoComplete="off" className="kern-form-input__input" defaultValue={filters.objectId ?? ''} />
            </Field>
            <Field id="audit-case-file" label={t('caseFileId')}>
              <input id="audit-case-file" name="caseFileId" type="text" autoComplete="off" className="kern-form-input__input" defaultValue={filters.caseFileId ?? ''} />
            </Field>
          </div>
          <div className="audit-actions">
            <button type="submit" className="kern-btn kern-btn--primary">
              <span className="kern-label">{t('apply')}</span>
            </button>
            <button type="button" className="kern-btn kern-btn--secondary" onClick={() => setParams(new URLSearchParams())}>
              <span className="kern-label">{t('reset')}</span>
            </button>
          </div>
        </fieldset>
      </form>

      <section aria-labelledby="audit-export" className="app-section">
        <h2 id="audit-export" className="kern-heading-medium">
          {t('export')}
        </h2>
        <p className="kern-body">{t('exportIntro')}</p>
        <div className="audit-actions">
          <a className="kern-btn kern-btn--secondary" href={exportUrl(filters, 'csv')} download>
            <span className="kern-icon kern-icon--download" aria-hidden="true"></span>
            <span className="kern-label">{t('exportCsv')}</span>
          </a>
          <a className="kern-btn kern-btn--secondary" href={exportUrl(filters, 'jsonl')} download>
            <span className="kern-icon kern-icon--download" aria-hidden="true"></span>
            <span className="kern-label">{t('exportJsonl')}</span>
          </a>
        </div>
      </section>

      <section className="app-section" aria-label={t('eventsCaption')}>
        <AsyncResult data={events} error={error} onRetry={load}>
          {(events) => (
            <>
              <p className="kern-body" role="status">
                {events.length ? t('shown', { count: events.length }) : t('none')}
              </p>
              {events.length > 0 && <AuditEventTable events={events} caption={t('eventsCaption')} />}
              {cursor && (
                <button type="button" className="kern-btn kern-btn--secondary" onClick={() => void more()} disabled={loadingMore}>
                  <span className="kern-label">{t('more')}</span>
                </button>
              )}
            </>
          )}
        </AsyncResult>
      </section>
    </Page>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      {children}
    </div>
  );
}
