import { FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../common/api-client';
import { ErrorMessage, Notice } from '../common/alerts';
import { AsyncResult } from '../common/async-result';
import { Badge } from '../common/badge';
import { ResultTable } from '../common/data-table';
import { FilterActions } from '../common/filter-actions';
import { formatDate, formatDateTime } from '../common/format';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { SelectField } from '../common/select-field';
import type { CaseFilePage, Department, FilePlanUnit } from '../case-files/api';
import { CaseFileCells } from '../case-files/case-file-cells';
import { createOffer, fetchDue, fetchOffers, OfferPage, runSweep, Sweep } from './retention-api';
import { disposalMessages } from './messages';
import './disposal.css';

registerMessages('disposal', disposalMessages);

const PAGE_SIZE = 100;

/** Aussonderung: run the sweep, pick due case files (filtered) for an offer, follow the offers. */
export default function DisposalPage() {
  const { t } = useTranslation('disposal');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const departmentCode = params.get('amt') ?? '';
  const filePlanCode = params.get('einheit') ?? '';
  const [due, setDue] = useState<CaseFilePage | null>(null);
  const [dueError, setDueError] = useState<unknown>(null);
  const [offers, setOffers] = useState<OfferPage | null>(null);
  const [offersError, setOffersError] = useState<unknown>(null);
  const [units, setUnits] = useState<FilePlanUnit[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [sweep, setSweep] = useState<Sweep | null>(null);
  const [sweeping, setSweeping] = useState(false);
  const [sweepError, setSweepError] = useState<unknown>(null);
  const [offering, setOffering] = useState(false);
  const [offerError, setOfferError] = useState<unknown>(null);
  const [noneSelected, setNoneSelected] = useState(false);

  useEffect(() => {
    api<FilePlanUnit[]>('/api/v1/file-plan').then(setUnits, () => setUnits([]));
    api<Department[]>('/api/v1/departments').then(setDepartments, () => setDepartments([]));
  }, []);

  const loadDue = useCallback(async () => {
    setDueError(null);
    try {
      const page = await fetchDue({ departmentCode: departmentCode || undefined, filePlanCode: filePlanCode || undefined, pageSize: PAGE_SIZE });
      setDue(page);
      setSelected((prev) => new Set([...prev].filter((id) => page.items.some((c) => c.id === id))));
    } catch (e) {
      setDueError(e);
    }
  }, [departmentCode, filePlanCode]);

  const loadOffers = useCallback(async () => {
    setOffersError(null);
    try {
      setOffers(await fetchOffers());
    } catch (e) {
      setOffersError(e);
    }
  }, []);

  useEffect(() => {
    setDue(null);
    void loadDue();
  }, [loadDue]);
  useEffect(() => {
    void loadOffers();
  }, [loadOffers]);

  async function startSweep() {
    setSweeping(true);
    setSweepError(null);
    try {
      setSweep(await runSweep());
      await loadDue();
    } catch (e) {
      setSweepError(e);
    } finally {
      setSweeping(false);
    }
  }

  function applyFilters(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    const amt = String(f.get('department') ?? '');
    const einheit = String(f.get('unit') ?? '');
    if (amt) next.set('amt', amt);
    if (einheit) next.set('einheit', einheit);
    setParams(next);
  }

  function toggle(id: string, on: boolean) {
    setNoneSelected(false);
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  async function offer() {
    if (!selected.size) {
      setNoneSelected(true);
      return;
    }
    setOffering(true);
    setOfferError(null);
    try {
      const created = await createOffer([...selected]);
      navigate(`/aussonderung/angebote/${created.id}`);
    } catch (e) {
      setOfferError(e);
      setOffering(false);
      void loadDue();
    }
  }

  const allSelected = !!due && due.items.length > 0 && due.items.every((c) => selected.has(c.id));

  return (
    <Page title={t('title')}>
      <p className="kern-body">{t('intro')}</p>

      <section className="app-section" aria-labelledby="sweep-heading">
        <h2 id="sweep-heading" className="kern-heading-medium">
          {t('sweep.title')}
        </h2>
        <p className="kern-body">{t('sweep.intro')}</p>
        <button type="button" className="kern-btn kern-btn--secondary" onClick={() => void startSweep()} disabled={sweeping}>
          <span className="kern-label">{t('sweep.run')}</span>
        </button>
        <div aria-live="polite">
          {sweeping && <p className="kern-body">{t('sweep.running')}</p>}
          {sweep && !sweeping && (
            <Notice tone="success" title={t('sweep.done')}>
              <p className="kern-body">{t('sweep.doneText', { count: sweep.marked, at: formatDateTime(sweep.at) })}</p>
            </Notice>
          )}
        </div>
        {sweepError !== null && <ErrorMessage error={sweepError} />}
      </section>

      <section className="app-section" aria-labelledby="due-heading">
        <h2 id="due-heading" className="kern-heading-medium">
          {t('due.title')}
        </h2>
        <form role="search" aria-label={t('due.filters')} className="disposal-filters" onSubmit={applyFilters} key={params.toString()}>
          <SelectField id="due-department" label={t('due.department')} name="department" defaultValue={departmentCode}>
            <option value="">{t('due.all')}</option>
            {departments.map((d) => (
              <option key={d.code} value={d.code}>
                {d.code} {d.name}
              </option>
            ))}
          </SelectField>
          <SelectField id="due-unit" label={t('due.unit')} name="unit" defaultValue={filePlanCode}>
            <option value="">{t('due.all')}</option>
            {units.map((u) => (
              <option key={u.code} value={u.code}>
                {u.code} {u.title}
              </option>
            ))}
          </SelectField>
          <FilterActions className="disposal-buttons" apply={t('due.apply')} reset={t('due.reset')} canReset={!!(departmentCode || filePlanCode)} onReset={() => setParams(new URLSearchParams())} />
        </form>

        <AsyncResult data={due} error={dueError} onRetry={() => void loadDue()}>
          {(due) => (
            <>
              <ResultTable
                count={due.total}
                empty={t('due.empty')}
                announce
                caption={t('due.caption', { count: due.total })}
                columns={[
                  <input
                    key="all"
                    type="checkbox"
                    className="kern-check-input__input"
                    aria-label={t('due.selectAll')}
                    checked={allSelected}
                    onChange={(e) => due.items.forEach((c) => toggle(c.id, e.currentTarget.checked))}
                  />,
                  ...(['reference', 'title', 'department', 'unit', 'closed', 'retainUntil'] as const).map((c) => t(`due.columns.${c}`)),
                ]}
              >
                {due.items.map((c) => (
                  <tr key={c.id} className="kern-table__row">
                    <td className="kern-table__cell">
                      <input
                        type="checkbox"
                        className="kern-check-input__input"
                        id={`due-${c.id}`}
                        aria-label={t('due.select', { reference: c.reference })}
                        checked={selected.has(c.id)}
                        onChange={(e) => toggle(c.id, e.currentTarget.checked)}
                      />
                    </td>
                    <CaseFileCells caseFile={c} units={units} />
                    <td className="kern-table__cell">{formatDate(c.closedAt)}</td>
                    <td className="kern-table__cell">{formatDate(c.retainUntil)}</td>
                  </tr>
                ))}
              </ResultTable>
              <div className="disposal-buttons">
                <p className="kern-body" aria-live="polite">
                  {t('due.selected', { count: selected.size })}
                </p>
                <button type="button" className="kern-btn kern-btn--primary" onClick={() => void offer()} disabled={offering}>
                  <span className="kern-label">{t('due.createOffer')}</span>
                </button>
              </div>
              {noneSelected && (
                <p className="kern-error" role="alert">
                  {t('due.noneSelected')}
                </p>
              )}
              {offerError !== null && <OfferRefusal error={offerError} />}
            </>
          )}
        </AsyncResult>
      </section>

      <section className="app-section" aria-labelledby="offers-heading">
        <h2 id="offers-heading" className="kern-heading-medium">
          {t('offers.title')}
        </h2>
        <AsyncResult data={offers} error={offersError} onRetry={() => void loadOffers()}>
          {(offers) => (
            <ResultTable
              count={offers.total}
              empty={t('offers.empty')}
              caption={t('offers.caption', { count: offers.total })}
              columns={(['processId', 'status', 'created', 'caseFiles', 'done'] as const).map((c) => t(`offers.columns.${c}`))}
            >
              {offers.items.map((o) => (
                <tr key={o.id} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">
                    <Link className="kern-link" to={`/aussonderung/angebote/${o.id}`} aria-label={t('offers.open', { processId: o.processId })}>
                      <code>{o.processId}</code>
                    </Link>
                  </th>
                  <td className="kern-table__cell">
                    <OfferStatusBadge status={o.status} />
                  </td>
                  <td className="kern-table__cell">{t('byAt', { name: o.createdBy, at: formatDateTime(o.createdAt) })}</td>
                  <td className="kern-table__cell">{o.caseFiles}</td>
                  <td className="kern-table__cell">{o.done}</td>
                </tr>
              ))}
            </ResultTable>
          )}
        </AsyncResult>
      </section>
    </Page>
  );
}

/** A refused offer: a legal hold in the user's words with the hold's reason; anything else as the shared ErrorMessage. */
function OfferRefusal({ error }: { error: unknown }) {
  const { t } = useTranslation('disposal');
  if (!(error instanceof ApiError) || error.code !== 'LegalHold') return <ErrorMessage error={error} />;
  const holds = (error.details as { holds?: { reason: string; reference: string | null }[] } | undefined)?.holds ?? [];
  return (
    <div className="kern-alert kern-alert--danger" role="alert">
      <div className="kern-alert__header">
        <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
        <span className="kern-title">{t('due.refusedHold')}</span>
      </div>
      <div className="kern-alert__body">
        <p className="kern-body">{t('due.refusedHoldText')}</p>
        <ul>
          {holds.map((h, n) => (
            <li key={n} className="kern-body">
              {h.reference ? t('due.refusedHoldItemWithReference', { reason: h.reason, reference: h.reference }) : t('due.refusedHoldItem', { reason: h.reason })}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** An offer's state in words (the badge colour only repeats it). */
export function OfferStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('disposal');
  const tone = status === 'completed' ? 'success' : status === 'offered' ? 'info' : 'warning';
  return <Badge tone={tone}>{t(`offerStatus.${status}`, { defaultValue: status })}</Badge>;
}
