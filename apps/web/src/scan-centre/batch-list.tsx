import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading } from '../common/alerts';
import { formatDateTime, formatNumber } from '../common/format';
import { BatchCounts, BatchList, listBatches } from './batch-api';
import type { ShownStatus } from './batch-status';
import { useCountsText } from './live-summary';

const PAGE_SIZE = 10;

export function shownCounts(c: BatchCounts): Record<ShownStatus, number> {
  return { processing: c.queued + c.processing, filed: c.filed, inbox: c.needs_review, rejected: c.rejected, duplicate: c.duplicate, failed: c.failed };
}

const BAR_ORDER: ShownStatus[] = ['filed', 'inbox', 'duplicate', 'rejected', 'failed', 'processing'];

/** The results of a batch drawn as one bar (the same numbers stand beside it in words). */
function CountsBar({ counts, total }: { counts: Record<ShownStatus, number>; total: number }) {
  const bar = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    // widths set through the DOM (the CSP allows no style attributes in markup)
    bar.current?.querySelectorAll<HTMLElement>('[data-share]').forEach((el) => {
      el.style.width = `${(Number(el.dataset.share) / Math.max(1, total)) * 100}%`;
    });
  }, [counts, total]);
  return (
    <span className="scan-centre__bar" ref={bar} aria-hidden="true">
      {BAR_ORDER.filter((s) => counts[s] > 0).map((s) => (
        <span key={s} className={`scan-centre__bar-part scan-centre__bar-part--${s}`} data-share={counts[s]}></span>
      ))}
    </span>
  );
}

/** Recent batches of the scan operator with their counts; `version` reloads it (after an upload). */
export function BatchListSection({ version }: { version: number }) {
  const { t } = useTranslation('scan-centre');
  const id = useId();
  const countsText = useCountsText();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<BatchList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    listBatches(page, PAGE_SIZE, controller.signal).then(setData, (e) => (e as Error).name !== 'AbortError' && setError(e));
    return () => controller.abort();
  }, [page, version, reload]);

  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <section aria-labelledby={`${id}-heading`} className="app-section">
      <div className="scan-centre__section-head">
        <h2 id={`${id}-heading`} className="kern-heading-medium">
          {t('list.heading')}
        </h2>
        <button type="button" className="kern-btn kern-btn--tertiary" onClick={() => setReload((n) => n + 1)}>
          <span className="kern-icon kern-icon--autorenew" aria-hidden="true"></span>
          <span className="kern-label">{t('list.refresh')}</span>
        </button>
      </div>
      {error !== null ? (
        <ErrorMessage error={error} onRetry={() => setReload((n) => n + 1)} />
      ) : !data ? (
        <Loading />
      ) : data.total === 0 ? (
        <p className="kern-body">{t('list.empty')}</p>
      ) : (
        <>
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--small">
              <caption className="kern-title">{t('list.caption')}</caption>
              <thead>
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">
                    {t('list.uploaded')}
                  </th>
                  <th scope="col" className="kern-table__header">
                    {t('list.scanner')}
                  </th>
                  <th scope="col" className="kern-table__header kern-table__header--numeric">
                    {t('list.files')}
                  </th>
                  <th scope="col" className="kern-table__header">
                    {t('list.counts')}
                  </th>
                  <th scope="col" className="kern-table__header">
                    {t('list.status')}
                  </th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {data.items.map((b) => {
                  const counts = shownCounts(b.counts);
                  return (
                    <tr className="kern-table__row" key={b.id}>
                      <th scope="row" className="kern-table__cell">
                        <Link className="kern-link" to={`/scanstelle/stapel/${b.id}`}>
                          {t('list.open', { date: formatDateTime(b.createdAt) })}
                        </Link>
                      </th>
                      <td className="kern-table__cell">{[b.scanner, b.profile].filter(Boolean).join(' · ') || t('list.none')}</td>
                      <td className="kern-table__cell kern-table__cell--numeric">{formatNumber(b.files)}</td>
                      <td className="kern-table__cell">
                        <CountsBar counts={counts} total={b.files} />
                        <span className="kern-body kern-body--small">{countsText(counts) || t('list.none')}</span>
                      </td>
                      <td className="kern-table__cell">{t(b.status === 'completed' ? 'list.completed' : 'list.processing')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav className="scan-centre__pager" aria-label={t('list.heading')}>
              <button type="button" className="kern-btn kern-btn--secondary" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
                <span className="kern-icon kern-icon--chevron-left" aria-hidden="true"></span>
                <span className="kern-label">{t('list.previous')}</span>
              </button>
              <span className="kern-body">{t('list.pageOf', { page, pages })}</span>
              <button type="button" className="kern-btn kern-btn--secondary" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
                <span className="kern-label">{t('list.next')}</span>
                <span className="kern-icon kern-icon--chevron-right" aria-hidden="true"></span>
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
