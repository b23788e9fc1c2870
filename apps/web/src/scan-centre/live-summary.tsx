import { useTranslation } from 'react-i18next';
import type { Batch } from './batch-api';
import { countShown, ShownStatus } from './batch-status';
import type { LiveState } from './use-live-batch';

const ORDER: ShownStatus[] = ['filed', 'inbox', 'rejected', 'duplicate', 'failed', 'processing'];

/** "3 abgelegt, 1 im Eingangskorb, 1 abgelehnt" for a batch's documents. */
export function useCountsText() {
  const { t } = useTranslation('scan-centre');
  return (counts: Partial<Record<ShownStatus, number>>) =>
    ORDER.filter((s) => (counts[s] ?? 0) > 0)
      .map((s) => t('live.part', { count: counts[s], status: t(`status.${s}`) }))
      .join(t('live.separator'));
}

/**
 * The batch's progress in one line, in a polite live region: the finished batch's summary is read
 * out once (the rows themselves change silently, so a screen reader is not flooded).
 */
export function LiveSummary({ batch, live }: { batch: Batch | null; live: LiveState }) {
  const { t } = useTranslation('scan-centre');
  const countsText = useCountsText();
  const done = live === 'done' && batch?.status === 'completed';
  return (
    <div className="scan-centre__live">
      <p className="kern-body scan-centre__summary" role="status" aria-live="polite">
        {done && batch ? t('live.done', { count: batch.documents.length, parts: countsText(countShown(batch.documents)) }) : ''}
      </p>
      {!done && live !== 'idle' && (
        <p className="kern-body kern-body--small">
          <span className={`kern-icon kern-icon--small kern-icon--${live === 'failed' ? 'warning' : 'autorenew'}`} aria-hidden="true"></span>{' '}
          {t(live === 'live' ? 'live.connected' : live === 'reconnecting' ? 'live.reconnecting' : live === 'polling' ? 'live.polling' : 'live.failed')}
        </p>
      )}
    </div>
  );
}
