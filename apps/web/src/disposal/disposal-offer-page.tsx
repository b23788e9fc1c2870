import { FormEvent, ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../common/api-client';
import { ErrorMessage, Loading, Notice } from '../common/alerts';
import { Badge } from '../common/badge';
import { DataTable } from '../common/data-table';
import { formatDateTime, formatReference } from '../common/format';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { ReasonField } from '../common/reason-field';
import { OfferStatusBadge } from './disposal-page';
import {
  AppraisalPreview,
  applyAppraisal,
  certificateUrl,
  confirmByHand,
  download0501Url,
  download0503Url,
  executeOffer,
  fetchOffer,
  Offer,
  OfferStep,
  previewAppraisal,
  uploadConfirmation,
} from './retention-api';
import { disposalMessages } from './messages';
import './disposal.css';

registerMessages('disposal', disposalMessages);

const SKIPPED = ['held', 'not_expired'];
const GONE = ['destroyed', 'archived'];

/** One offer through the xdomea cycle: 0501 → 0502 (checked, then applied) → execute → 0503 → 0506 or by hand → certificate. */
export default function DisposalOfferPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('disposal');
  const [offer, setOffer] = useState<Offer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setError(null);
      setOffer(await fetchOffer(id));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  /** A download is a navigation; the step it records shows once the file has been served. */
  const reloadSoon = () => window.setTimeout(() => void load(), 1500);
  const updated = (o: Offer, message: string) => {
    setOffer(o);
    setDone(message);
  };

  if (!offer) {
    return (
      <Page title={t('offer.titleUnknown')}>
        {error !== null ? <ErrorMessage error={error} onRetry={() => void load()} /> : <Loading />}
      </Page>
    );
  }

  const live = offer.items.filter((i) => !GONE.includes(i.outcome));
  const held = live.filter((i) => i.underHold);
  const skipped = offer.items.filter((i) => SKIPPED.includes(i.outcome));
  const pending = offer.items.filter((i) => i.outcome === 'pending');
  const effective = (i: Offer['items'][number]) => i.decision ?? (i.disposal === 'destroy' ? 'V' : i.disposal === 'archive' ? 'A' : null);
  const canAppraise = offer.status === 'offered' || offer.status === 'appraised';
  const canExecute = pending.length > 0 && pending.every((i) => effective(i) !== null);
  const handedOver = offer.items.some((i) => i.outcome === 'handed_over');
  const hasCertificate = offer.items.some((i) => ['destroyed', 'handed_over', 'archived'].includes(i.outcome));
  const lastStep = (action: string) => [...offer.steps].reverse().find((s) => s.action === action);

  return (
    <Page title={t('offer.title', { processId: offer.processId })}>
      <p className="kern-body">
        <Link className="kern-link" to="/aussonderung">
          {t('offer.back')}
        </Link>
      </p>
      <dl className="kern-description-list">
        <Item label={t('offer.status')}>
          <OfferStatusBadge status={offer.status} />
        </Item>
        <Item label={t('offer.processId')}>
          <code>{offer.processId}</code>
        </Item>
        <Item label={t('offer.created')}>{t('byAt', { name: offer.createdBy, at: formatDateTime(offer.createdAt) })}</Item>
      </dl>

      <div aria-live="polite">
        {done && <Notice tone="success" title={done} />}
      </div>
      {skipped.length > 0 && (
        <div className="kern-alert kern-alert--warning" role="alert">
          <div className="kern-alert__header">
            <span className="kern-icon kern-icon--warning" aria-hidden="true"></span>
            <span className="kern-title">{t('offer.refused')}</span>
          </div>
          <div className="kern-alert__body">
            <p className="kern-body">
              {t('offer.refusedText', {
                items: skipped.map((i) => t('offer.refusedItem', { reference: formatReference(i.reference), outcome: t(`outcome.${i.outcome}`) })).join(', '),
              })}
            </p>
          </div>
        </div>
      )}
      {held.length > 0 && (
        <Notice tone="warning" title={t('offer.heldNotice')}>
          <p className="kern-body">{t('offer.heldNoticeText', { references: held.map((i) => formatReference(i.reference)).join(', ') })}</p>
          <p className="kern-body">
            <Link className="kern-link" to="/loeschsperren">
              {t('offer.setHold')}
            </Link>
          </p>
        </Notice>
      )}

      <DataTable caption={t('offer.caseFilesCaption')} columns={(['reference', 'title', 'rule', 'decision', 'hold', 'outcome'] as const).map((c) => t(`offer.columns.${c}`))}>
        {offer.items.map((i) => (
          <tr key={i.caseFileId} className="kern-table__row">
            <th scope="row" className="kern-table__cell">
              {GONE.includes(i.outcome) ? (
                formatReference(i.reference)
              ) : (
                <Link className="kern-link" to={`/akten/${i.caseFileId}`}>
                  {formatReference(i.reference)}
                </Link>
              )}
            </th>
            <td className="kern-table__cell">{i.title}</td>
            <td className="kern-table__cell">{t(`rule.${i.disposal}`)}</td>
            <td className="kern-table__cell">{i.decision ? t(`decision.${i.decision}`) : t('offer.noDecision')}</td>
            <td className="kern-table__cell">
              {i.underHold ? (
                <Badge tone="danger" icon="warning">
                  {t('offer.held')}
                </Badge>
              ) : (
                t('offer.notHeld')
              )}
            </td>
            <td className="kern-table__cell">
              {i.outcomeAt && i.outcomeBy
                ? t('offer.outcomeBy', { outcome: t(`outcome.${i.outcome}`), name: i.outcomeBy, at: formatDateTime(i.outcomeAt) })
                : t(`outcome.${i.outcome}`)}
              {i.archiveId && (
                <>
                  <br />
                  {t('offer.archiveId', { id: i.archiveId })}
                </>
              )}
            </td>
          </tr>
        ))}
      </DataTable>

      <section className="app-section" aria-labelledby="cycle-heading">
        <h2 id="cycle-heading" className="kern-heading-medium">
          {t('cycle.title')}
        </h2>
        <ol className="disposal-cycle">
          <Step id="step-1" title={t('cycle.step1')} text={t('cycle.step1Text')} last={lastStep('disposal.export.0501')}>
            <a className="kern-btn kern-btn--secondary" href={download0501Url(offer.id)} download onClick={reloadSoon}>
              <span className="kern-icon kern-icon--download" aria-hidden="true"></span>
              <span className="kern-label">{t('cycle.download0501')}</span>
            </a>
          </Step>
          <Step id="step-2" title={t('cycle.step2')} text={t('cycle.step2Text')} last={lastStep('disposal.appraisal')}>
            {canAppraise ? <Appraisal offer={offer} onApplied={(o) => updated(o, t('cycle.applied'))} /> : <p className="kern-body disposal-step-state">{offer.appraisedAt ? t('cycle.step2Done') : t('cycle.notYet')}</p>}
          </Step>
          <Step id="step-3" title={t('cycle.step3')} text={t('cycle.step3Text')} last={lastStep('disposal.execute')}>
            {canExecute ? (
              <Execute offer={offer} onDone={(o) => updated(o, t('cycle.executed'))} />
            ) : (
              <p className="kern-body disposal-step-state">{offer.executedAt ? t('cycle.done') : t('cycle.step3Blocked')}</p>
            )}
          </Step>
          <Step id="step-4" title={t('cycle.step4')} text={t('cycle.step4Text')} last={lastStep('disposal.export.0503')}>
            {handedOver ? (
              <a className="kern-btn kern-btn--secondary" href={download0503Url(offer.id)} download onClick={reloadSoon}>
                <span className="kern-icon kern-icon--download" aria-hidden="true"></span>
                <span className="kern-label">{t('cycle.download0503')}</span>
              </a>
            ) : (
              // after the archive confirmed, the handed-over files are gone: the 0503 was sent
              <p className="kern-body disposal-step-state">{offer.items.some((i) => i.outcome === 'archived') ? t('cycle.done') : t('cycle.notYet')}</p>
            )}
          </Step>
          <Step id="step-5" title={t('cycle.step5')} text={t('cycle.step5Text')} last={lastStep('disposal.confirmation')}>
            {offer.status === 'awaiting_confirmation' ? (
              <Confirmation offer={offer} onDone={(o) => updated(o, t('cycle.confirmed'))} />
            ) : (
              <p className="kern-body disposal-step-state">{offer.confirmedAt ? t('cycle.done') : t('cycle.notYet')}</p>
            )}
          </Step>
          <Step id="step-6" title={t('cycle.step6')} text={t('cycle.step6Text')} last={lastStep('disposal.certificate.read')}>
            {hasCertificate ? (
              <a className="kern-btn kern-btn--secondary" href={certificateUrl(offer.id)} download onClick={reloadSoon}>
                <span className="kern-icon kern-icon--download" aria-hidden="true"></span>
                <span className="kern-label">{t('cycle.certificate')}</span>
              </a>
            ) : (
              <p className="kern-body disposal-step-state">{t('cycle.notYet')}</p>
            )}
          </Step>
        </ol>
      </section>

      <section className="app-section" aria-labelledby="steps-heading">
        <h2 id="steps-heading" className="kern-heading-medium">
          {t('steps.title')}
        </h2>
        {offer.steps.length === 0 ? (
          <p className="kern-body">{t('steps.empty')}</p>
        ) : (
          <ol className="disposal-steps">
            {offer.steps.map((s, n) => (
              <li key={n} className="kern-body">
                {t('steps.item', { step: t(`steps.actions.${s.action}`, { defaultValue: s.action }), name: who(s), at: formatDateTime(s.at) })}
                {s.reason && (
                  <>
                    {' '}
                    {t('steps.reason', { reason: s.reason })}
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </Page>
  );
}

const who = (s: OfferStep) => (s.byName ? `${s.byName} (${s.by})` : s.by);

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="kern-description-list-item">
      <dt className="kern-description-list-item__key">{label}</dt>
      <dd className="kern-description-list-item__value">{children}</dd>
    </div>
  );
}

function Step({ id, title, text, last, children }: { id: string; title: string; text: string; last?: OfferStep; children: ReactNode }) {
  const { t } = useTranslation('disposal');
  return (
    <li>
      <h3 id={id} className="kern-heading-small">
        {title}
      </h3>
      <p className="kern-body">{text}</p>
      {last && <p className="kern-body">{t('steps.item', { step: t(`steps.actions.${last.action}`), name: who(last), at: formatDateTime(last.at) })}</p>}
      {children}
    </li>
  );
}

/** A refused xdomea message: the service's reason and, where it has them, the schema findings. */
function MessageRefusal({ error }: { error: unknown }) {
  const { t } = useTranslation('disposal');
  const details = error instanceof ApiError ? (error.details as { schemaErrors?: string[] } | undefined) : undefined;
  if (!(error instanceof ApiError) || error.status !== 422) return <ErrorMessage error={error} />;
  return (
    <div className="kern-alert kern-alert--danger" role="alert">
      <div className="kern-alert__header">
        <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
        <span className="kern-title">{t('cycle.invalidTitle')}</span>
      </div>
      <div className="kern-alert__body">
        <p className="kern-body">{details?.schemaErrors?.length ? t('cycle.schemaInvalid') : error.message}</p>
        {details?.schemaErrors?.length ? (
          <>
            <p className="kern-body">{t('cycle.schemaErrors')}</p>
            <ul className="disposal-errors">
              {details.schemaErrors.map((e, n) => (
                <li key={n}>{e}</li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </div>
  );
}

function Appraisal({ offer, onApplied }: { offer: Offer; onApplied: (o: Offer) => void }) {
  const { t } = useTranslation('disposal');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<AppraisalPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const previewHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (preview) previewHeading.current?.focus();
  }, [preview]);

  async function check(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    setPreview(null);
    try {
      setPreview(await previewAppraisal(offer.id, file));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      onApplied(await applyAppraisal(offer.id, file));
      setPreview(null);
      setFile(null);
      if (inputRef.current) inputRef.current.value = '';
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <form onSubmit={check} noValidate className="disposal-form">
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="file-0502">
            {t('cycle.file0502')}
          </label>
          <input
            id="file-0502"
            ref={inputRef}
            type="file"
            accept=".xml,application/xml,text/xml"
            className="kern-form-input__input"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setMissing(false);
              setPreview(null);
              setError(null);
            }}
          />
        </div>
        {missing && (
          <p className="kern-error" role="alert">
            {t('cycle.chooseFile')}
          </p>
        )}
        <div>
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
            <span className="kern-label">{t('cycle.check0502')}</span>
          </button>
        </div>
      </form>
      {error !== null && <MessageRefusal error={error} />}
      {preview && (
        <section aria-labelledby="preview-heading" className="app-section">
          <h4 id="preview-heading" className="kern-heading-small" tabIndex={-1} ref={previewHeading}>
            {t('cycle.previewTitle')}
          </h4>
          <DataTable caption={t('cycle.previewCaption')} columns={(['reference', 'title', 'decision', 'effective'] as const).map((c) => t(`cycle.previewColumns.${c}`))}>
            {preview.items.map((i) => (
              <tr key={i.caseFileId} className="kern-table__row">
                <th scope="row" className="kern-table__cell">
                  {formatReference(i.reference)}
                </th>
                <td className="kern-table__cell">{i.title}</td>
                <td className="kern-table__cell">{i.decision ? t(`decision.${i.decision}`) : t('cycle.notNamed')}</td>
                <td className="kern-table__cell">
                  {t(`cycle.effective.${i.effective ?? 'none'}`)}
                  {i.underHold && <span className="disposal-hold"> {t('cycle.heldSuffix')}</span>}
                </td>
              </tr>
            ))}
          </DataTable>
          <div className="disposal-buttons">
            <button type="button" className="kern-btn kern-btn--primary" onClick={() => void apply()} disabled={busy}>
              <span className="kern-label">{t('cycle.apply0502')}</span>
            </button>
            <button type="button" className="kern-btn kern-btn--tertiary" onClick={() => setPreview(null)} disabled={busy}>
              <span className="kern-label">{t('cycle.discard0502')}</span>
            </button>
          </div>
        </section>
      )}
    </div>
  );
}

function Execute({ offer, onDone }: { offer: Offer; onDone: (o: Offer) => void }) {
  const { t } = useTranslation('disposal');
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (asking) question.current?.focus();
  }, [asking]);
  const pending = offer.items.filter((i) => i.outcome === 'pending' && !i.underHold);
  const decision = (i: Offer['items'][number]) => i.decision ?? (i.disposal === 'destroy' ? 'V' : 'A');

  async function run() {
    setBusy(true);
    setError(null);
    try {
      onDone(await executeOffer(offer.id));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div>
      {!asking ? (
        <button type="button" className="kern-btn kern-btn--primary" onClick={() => setAsking(true)}>
          <span className="kern-label">{t('cycle.execute')}</span>
        </button>
      ) : (
        <div className="kern-alert kern-alert--warning">
          <div className="kern-alert__body">
            <p className="kern-body" tabIndex={-1} ref={question}>
              {t('cycle.executeQuestion', { destroy: pending.filter((i) => decision(i) === 'V').length, archive: pending.filter((i) => decision(i) === 'A').length })}
            </p>
            <div className="disposal-buttons">
              <button type="button" className="kern-btn kern-btn--primary" onClick={() => void run()} disabled={busy}>
                <span className="kern-label">{t('cycle.executeConfirm')}</span>
              </button>
              <button type="button" className="kern-btn kern-btn--secondary" onClick={() => setAsking(false)} disabled={busy}>
                <span className="kern-label">{t('cycle.executeCancel')}</span>
              </button>
            </div>
          </div>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </div>
  );
}

function Confirmation({ offer, onDone }: { offer: Offer; onDone: (o: Offer) => void }) {
  const { t } = useTranslation('disposal');
  const [file, setFile] = useState<File | null>(null);
  const [fileMissing, setFileMissing] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [reason, setReason] = useState('');
  const [manualMissing, setManualMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function upload(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setFileMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await uploadConfirmation(offer.id, file));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  async function byHand(e: FormEvent) {
    e.preventDefault();
    if (!confirmed || reason.trim().length < 3) {
      setManualMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await confirmByHand(offer.id, reason.trim()));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div>
      <form onSubmit={upload} noValidate className="disposal-form">
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="file-0506">
            {t('cycle.file0506')}
          </label>
          <input
            id="file-0506"
            type="file"
            accept=".xml,application/xml,text/xml"
            className="kern-form-input__input"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setFileMissing(false);
            }}
          />
        </div>
        {fileMissing && (
          <p className="kern-error" role="alert">
            {t('cycle.chooseFile')}
          </p>
        )}
        <div>
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
            <span className="kern-label">{t('cycle.upload0506')}</span>
          </button>
        </div>
      </form>
      <form onSubmit={byHand} noValidate className="disposal-form app-section">
        <fieldset className="kern-fieldset">
          <legend className="kern-label kern-label--large">{t('cycle.manualTitle')}</legend>
          <div className="kern-check-input">
            <input
              id="manual-confirmed"
              type="checkbox"
              className="kern-check-input__input"
              checked={confirmed}
              onChange={(e) => {
                setConfirmed(e.currentTarget.checked);
                setManualMissing(false);
              }}
            />
            <label className="kern-label" htmlFor="manual-confirmed">
              {t('cycle.manualConfirmed')}
            </label>
          </div>
          <ReasonField
            id="manual-reason"
            label={t('cycle.manualReason')}
            hint={t('cycle.manualReasonHint')}
            value={reason}
            onChange={(v) => {
              setReason(v);
              setManualMissing(false);
            }}
          />
          {manualMissing && (
            <p className="kern-error" role="alert">
              {t('cycle.manualMissing')}
            </p>
          )}
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
              <span className="kern-label">{t('cycle.manualSubmit')}</span>
            </button>
          </div>
        </fieldset>
      </form>
      {error !== null && <MessageRefusal error={error} />}
    </div>
  );
}
