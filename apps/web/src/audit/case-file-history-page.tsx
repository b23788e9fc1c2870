import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { AsyncResult } from '../common/async-result';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { AuditEvent, exportUrl, fetchCaseFileHistory } from './audit-api';
import { AuditEventTable } from './audit-event-table';
import { auditMessages } from './messages';

registerMessages('audit', auditMessages);

/** A case file's complete history for the auditor (reads and denied attempts included). */
export default function CaseFileHistoryPage() {
  const { t } = useTranslation('audit');
  const { id = '' } = useParams();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    setEvents(null);
    setError(null);
    fetchCaseFileHistory(id).then(
      (p) => {
        setEvents(p.items);
        setCursor(p.nextCursor);
      },
      (e) => setError(e),
    );
  }, [id]);
  useEffect(load, [load]);

  const more = async () => {
    if (!cursor) return;
    try {
      const p = await fetchCaseFileHistory(id, cursor);
      setEvents((prev) => [...(prev ?? []), ...p.items]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    }
  };

  const reference = events?.map((e) => e.details?.reference).find((r): r is string => typeof r === 'string');
  return (
    <Page title={reference ? t('historyTitle', { reference }) : t('historyTitleUnknown')}>
      <p className="kern-body">{t('historyIntro')}</p>
      <p className="kern-body">
        {t('caseFileId')}: <code>{id}</code>
      </p>
      <div className="audit-actions">
        <a className="kern-btn kern-btn--secondary" href={exportUrl({ caseFileId: id }, 'csv')} download>
          <span className="kern-icon kern-icon--download" aria-hidden="true"></span>
          <span className="kern-label">{t('exportThis')}</span>
        </a>
      </div>
      <AsyncResult data={events} error={error} onRetry={load}>
        {(events) => (
          <>
            <p className="kern-body" role="status">
              {events.length ? t('shown', { count: events.length }) : t('none')}
            </p>
            {events.length > 0 && <AuditEventTable events={events} caption={t('eventsCaptionAsc')} linkCaseFiles={false} />}
            {cursor && (
              <button type="button" className="kern-btn kern-btn--secondary" onClick={() => void more()}>
                <span className="kern-label">{t('more')}</span>
              </button>
            )}
          </>
        )}
      </AsyncResult>
    </Page>
  );
}
