import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Notice } from '../common/alerts';
import { formatNumber } from '../common/format';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { AuditEvent, AuditVerifyResult, fetchEvents, verifyChain } from './audit-api';
import { AuditEventTable } from './audit-event-table';
import { auditMessages } from './messages';

registerMessages('audit', auditMessages);

/** How many events on either side of a break are shown. */
const AROUND = 3;

/** Chain verification of a range: intact, or where and how it is broken with the events around the break. */
export default function AuditVerifyPage() {
  const { t } = useTranslation('audit');
  const [result, setResult] = useState<AuditVerifyResult | null>(null);
  const [around, setAround] = useState<AuditEvent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const from = String(data.get('from') ?? '').trim() || undefined;
    const to = String(data.get('to') ?? '').trim() || undefined;
    setRunning(true);
    setError(null);
    setResult(null);
    setAround(null);
    try {
      const r = await verifyChain(from, to);
      setResult(r);
      if (!r.ok && r.firstBrokenSeq) {
        const seq = BigInt(r.firstBrokenSeq);
        const lo = seq > BigInt(AROUND) ? seq - BigInt(AROUND) : 1n;
        const page = await fetchEvents({ fromSeq: String(lo), toSeq: String(seq + BigInt(AROUND)) }, null, 'asc', AROUND * 2 + 1);
        setAround(page.items);
      }
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Page title={t('verifyTitle')}>
      <p className="kern-body">{t('verifyIntro')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <fieldset className="kern-fieldset">
          <legend className="kern-label kern-label--large">{t('filters')}</legend>
          <p className="kern-hint" id="verify-hint">
            {t('verifyHint')}
          </p>
          <div className="audit-filters">
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="verify-from">
                {t('verifyFrom')}
              </label>
              <input id="verify-from" name="from" type="text" inputMode="numeric" autoComplete="off" aria-describedby="verify-hint" className="kern-form-input__input" />
            </div>
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="verify-to">
                {t('verifyTo')}
              </label>
              <input id="verify-to" name="to" type="text" inputMode="numeric" autoComplete="off" aria-describedby="verify-hint" className="kern-form-input__input" />
            </div>
          </div>
          <div className="audit-actions">
            <button type="submit" className="kern-btn kern-btn--primary" disabled={running}>
              <span className="kern-label">{t('verifyRun')}</span>
            </button>
          </div>
        </fieldset>
      </form>
      <div role="status" aria-live="polite">
        {running && <p className="kern-body">{t('verifying')}</p>}
        {result?.ok && (
          <Notice tone="success" title={t('verifyOk')}>
            <p className="kern-body">
              {t('verifyOkText', { checked: formatNumber(result.checked), first: result.firstSeq ?? '–', last: result.lastSeq ?? '–', anchors: formatNumber(result.anchorsChecked ?? 0) })}
            </p>
          </Notice>
        )}
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {result && !result.ok && (
        <div role="alert">
          <Notice tone="danger" title={t('verifyBroken', { seq: result.firstBrokenSeq ?? '–' })}>
            <p className="kern-body">{t('verifyBrokenText', { checked: formatNumber(result.checked), type: t(`breakTypes.${result.breakType}`, { defaultValue: result.breakType ?? '–' }) })}</p>
            {result.reason && <p className="kern-body">{t('verifyReason', { reason: result.reason })}</p>}
          </Notice>
        </div>
      )}
      {around && around.length > 0 && (
        <section aria-labelledby="verify-around" className="app-section">
          <h2 id="verify-around" className="kern-heading-medium">
            {t('aroundBreak')}
          </h2>
          <AuditEventTable events={around} caption={t('aroundBreakCaption', { seq: result?.firstBrokenSeq })} highlightSeq={result?.firstBrokenSeq} />
        </section>
      )}
    </Page>
  );
}
