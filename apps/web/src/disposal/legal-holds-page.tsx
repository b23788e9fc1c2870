import { FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Notice } from '../common/alerts';
import { AsyncResult } from '../common/async-result';
import { ResultTable } from '../common/data-table';
import { formatDate, formatDateTime, formatReference } from '../common/format';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { ReasonField } from '../common/reason-field';
import type { CaseFile } from '../case-files/api';
import { ActiveLegalHold, ActiveLegalHoldPage, CaseFileHolds, fetchActiveHolds, fetchCaseFileHolds, findCaseFile, liftHold, setHold } from './retention-api';
import { disposalMessages } from './messages';
import './disposal.css';

registerMessages('disposal', disposalMessages);

/** Löschsperren: find a case file by its Aktenzeichen and hold it (reason, reference); the holds in force, each liftable with a reason. */
export default function LegalHoldsPage() {
  const { t } = useTranslation('disposal');
  const [holds, setHolds] = useState<ActiveLegalHoldPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<{ title: string; text: string } | null>(null);
  const [lifting, setLifting] = useState<ActiveLegalHold | null>(null);

  const load = useCallback(async () => {
    try {
      setError(null);
      setHolds(await fetchActiveHolds());
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Page title={t('holds.title')}>
      <p className="kern-body">{t('holds.intro')}</p>
      <div aria-live="polite">
        {notice && (
          <Notice tone="success" title={notice.title}>
            <p className="kern-body">{notice.text}</p>
          </Notice>
        )}
      </div>

      <SetHold
        onSet={(reference) => {
          setNotice({ title: t('holds.set'), text: t('holds.setText', { reference: formatReference(reference) }) });
          void load();
        }}
      />

      <section className="app-section" aria-labelledby="active-holds-heading">
        <h2 id="active-holds-heading" className="kern-heading-medium">
          {t('holds.activeTitle')}
        </h2>
        <AsyncResult data={holds} error={error} onRetry={() => void load()}>
          {(holds) => (
            <ResultTable
              count={holds.total}
              empty={t('holds.empty')}
              caption={t('holds.caption', { count: holds.total })}
              columns={(['reference', 'title', 'reason', 'holdReference', 'setBy', 'actions'] as const).map((c) => t(`holds.columns.${c}`))}
            >
              {holds.items.map((h) => (
                <tr key={h.id} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">
                    <Link className="kern-link" to={`/akten/${h.caseFileId}`}>
                      {formatReference(h.caseFileReference)}
                    </Link>
                  </th>
                  <td className="kern-table__cell">{h.caseFileTitle}</td>
                  <td className="kern-table__cell">{h.reason}</td>
                  <td className="kern-table__cell">{h.reference ?? t('holds.none')}</td>
                  <td className="kern-table__cell">{t('byAt', { name: h.setBy, at: formatDateTime(h.setAt) })}</td>
                  <td className="kern-table__cell">
                    <button type="button" className="kern-btn kern-btn--secondary" aria-label={t('holds.lift', { reference: h.caseFileReference })} onClick={() => setLifting(h)}>
                      <span className="kern-label">{t('holds.liftShort')}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </ResultTable>
          )}
        </AsyncResult>
        {lifting && (
          <LiftHold
            hold={lifting}
            onCancel={() => setLifting(null)}
            onLifted={() => {
              setNotice({ title: t('holds.lifted'), text: t('holds.liftedText', { reference: formatReference(lifting.caseFileReference) }) });
              setLifting(null);
              void load();
            }}
          />
        )}
      </section>
    </Page>
  );
}

function SetHold({ onSet }: { onSet: (reference: string) => void }) {
  const { t } = useTranslation('disposal');
  const [query, setQuery] = useState('');
  const [caseFile, setCaseFile] = useState<CaseFile | null>(null);
  const [existing, setExisting] = useState<CaseFileHolds | null>(null);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const found = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (caseFile) found.current?.focus();
  }, [caseFile]);

  async function find(e: FormEvent) {
    e.preventDefault();
    const wanted = query.trim();
    if (!wanted) return;
    setBusy(true);
    setError(null);
    setNotFound(null);
    setCaseFile(null);
    setExisting(null);
    try {
      const cf = await findCaseFile(wanted);
      if (!cf) setNotFound(wanted);
      else {
        setCaseFile(cf);
        setExisting(await fetchCaseFileHolds(cf.id));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!caseFile) return;
    if (reason.trim().length < 3) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await setHold(caseFile.id, reason.trim(), reference.trim());
      onSet(caseFile.reference);
      setCaseFile(null);
      setExisting(null);
      setQuery('');
      setReason('');
      setReference('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const activeCount = existing ? existing.holds.filter((h) => h.active).length : 0;

  return (
    <section className="app-section" aria-labelledby="set-hold-heading">
      <h2 id="set-hold-heading" className="kern-heading-medium">
        {t('holds.setTitle')}
      </h2>
      <form role="search" aria-label={t('holds.findSubmit')} onSubmit={find} noValidate className="disposal-filters">
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="hold-find">
            {t('holds.find')}
          </label>
          <div className="kern-hint" id="hold-find-hint">
            {t('holds.findHint')}
          </div>
          <input id="hold-find" type="search" className="kern-form-input__input" autoComplete="off" aria-describedby="hold-find-hint" value={query} maxLength={128} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div className="disposal-buttons">
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
            <span className="kern-label">{t('holds.findSubmit')}</span>
          </button>
        </div>
      </form>
      {notFound && (
        <p className="kern-error" role="alert">
          {t('holds.notFound', { reference: notFound })}
        </p>
      )}
      {caseFile && (
        <form onSubmit={submit} noValidate className="disposal-form kern-card">
          <div className="kern-card__container">
            <h3 className="kern-heading-small" tabIndex={-1} ref={found}>
              {t('holds.found', { reference: formatReference(caseFile.reference), title: caseFile.title })}
            </h3>
            <dl className="kern-description-list">
              <div className="kern-description-list-item">
                <dt className="kern-description-list-item__key">{t('holds.statusLabel')}</dt>
                <dd className="kern-description-list-item__value">{t(`caseFileStatus.${caseFile.status}`, { defaultValue: caseFile.status })}</dd>
              </div>
              <div className="kern-description-list-item">
                <dt className="kern-description-list-item__key">{t('holds.retainUntil')}</dt>
                <dd className="kern-description-list-item__value">{formatDate(caseFile.retainUntil)}</dd>
              </div>
            </dl>
            {existing && <p className="kern-body">{t('holds.existing', { count: activeCount })}</p>}
            <ReasonField
              id="hold-reason"
              label={t('holds.reason')}
              hint={t('holds.reasonHint')}
              invalid={missing}
              value={reason}
              onChange={(v) => {
                setReason(v);
                setMissing(false);
              }}
            />
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="hold-reference">
                {t('holds.reference')}
              </label>
              <div className="kern-hint" id="hold-reference-hint">
                {t('holds.referenceHint')}
              </div>
              <input id="hold-reference" type="text" className="kern-form-input__input" maxLength={200} aria-describedby="hold-reference-hint" value={reference} onChange={(e) => setReference(e.target.value)} />
            </div>
            {missing && (
              <p className="kern-error" role="alert">
                {t('holds.reasonMissing')}
              </p>
            )}
            <div className="disposal-buttons">
              <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
                <span className="kern-label">{t('holds.submit')}</span>
              </button>
            </div>
          </div>
        </form>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}

function LiftHold({ hold, onCancel, onLifted }: { hold: ActiveLegalHold; onCancel: () => void; onLifted: () => void }) {
  const { t } = useTranslation('disposal');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [hold.id]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim().length < 3) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await liftHold(hold.caseFileId, hold.id, reason.trim());
      onLifted();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="disposal-form kern-card app-section" aria-labelledby="lift-heading">
      <div className="kern-card__container">
        <h3 id="lift-heading" className="kern-heading-small" tabIndex={-1} ref={heading}>
          {t('holds.liftTitle', { reference: formatReference(hold.caseFileReference) })}
        </h3>
        <ReasonField
          id="lift-reason"
          label={t('holds.liftReason')}
          hint={t('holds.reasonHint')}
          invalid={missing}
          value={reason}
          onChange={(v) => {
            setReason(v);
            setMissing(false);
          }}
        />
        {missing && (
          <p className="kern-error" role="alert">
            {t('holds.reasonMissing')}
          </p>
        )}
        <div className="disposal-buttons">
          <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
            <span className="kern-label">{t('holds.liftSubmit')}</span>
          </button>
          <button type="button" className="kern-btn kern-btn--secondary" onClick={onCancel} disabled={busy}>
            <span className="kern-label">{t('holds.liftCancel')}</span>
          </button>
        </div>
        {error !== null && <ErrorMessage error={error} />}
      </div>
    </form>
  );
}
