import { FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../common/api-client';
import { ErrorMessage } from '../common/alerts';
import { AsyncResult } from '../common/async-result';
import { Badge } from '../common/badge';
import { ResultTable } from '../common/data-table';
import { FilterActions } from '../common/filter-actions';
import { formatDate } from '../common/format';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { Paging } from '../common/paging';
import { SelectField } from '../common/select-field';
import { hasRole, useUser } from '../common/session';
import { CASE_FILE_STATUSES, CaseFile, CaseFilePage, CONFIDENTIALITY_LEVELS, FilePlanUnit, leafUnits } from './api';
import { CaseFileCells } from './case-file-cells';
import { caseFilesMessages } from './messages';
import './case-files.css';

registerMessages('case-files', caseFilesMessages);

const PAGE_SIZE = 25;

/** Case files of the caller's departments (all for records managers), filtered and paged; filters live in the URL. */
export default function CaseFileListPage() {
  const { t } = useTranslation('case-files');
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const unit = params.get('einheit') ?? '';
  const text = params.get('text') ?? '';
  const page = Math.max(1, Number(params.get('seite')) || 1);
  const [data, setData] = useState<CaseFilePage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [units, setUnits] = useState<FilePlanUnit[]>([]);
  const [creating, setCreating] = useState(false);
  const canCreate = hasRole(user, 'caseworker');
  const visible = hasRole(user, 'records_manager') ? null : user.departments;

  useEffect(() => {
    api<FilePlanUnit[]>('/api/v1/file-plan').then(setUnits, () => setUnits([]));
  }, []);

  const load = useCallback(async () => {
    try {
      setError(null);
      setData(await api<CaseFilePage>('/api/v1/case-files', { query: { status, filePlanCode: unit, q: text, page, pageSize: PAGE_SIZE } }));
    } catch (e) {
      setError(e);
    }
  }, [status, unit, text, page]);

  useEffect(() => {
    setData(null);
    void load();
  }, [load]);

  // records managers see which of the listed case files are held (the list itself does not say)
  const [held, setHeld] = useState<Set<string>>(new Set());
  const watchesHolds = hasRole(user, 'records_manager');
  useEffect(() => {
    setHeld(new Set());
    if (!watchesHolds || !data?.items.length) return;
    api<{ items: { caseFileId: string }[] }>('/api/v1/holds', { query: { caseFileIds: data.items.map((c) => c.id).join(','), pageSize: 200 } }).then(
      (r) => setHeld(new Set(r.items.map((h) => h.caseFileId))),
      () => setHeld(new Set()),
    );
  }, [data, watchesHolds]);

  function applyFilters(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const [key, name] of [
      ['status', 'status'],
      ['einheit', 'unit'],
      ['text', 'text'],
    ] as const) {
      const v = String(f.get(name) ?? '').trim();
      if (v) next.set(key, v);
    }
    setParams(next);
  }

  function goTo(p: number) {
    const next = new URLSearchParams(params);
    next.set('seite', String(p));
    setParams(next);
  }

  const filterUnits = units.filter((u) => !visible || visible.includes(u.departmentCode));
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <Page
      title={t('listTitle')}
      actions={
        canCreate && !creating ? (
          <button type="button" className="kern-btn kern-btn--primary" onClick={() => setCreating(true)}>
            <span className="kern-icon kern-icon--add" aria-hidden="true"></span>
            <span className="kern-label">{t('create.open')}</span>
          </button>
        ) : undefined
      }
    >
      {creating && <CreateCaseFile units={leafUnits(units, user.departments)} onCancel={() => setCreating(false)} />}

      <form role="search" aria-label={t('filters')} className="case-files-filters" onSubmit={applyFilters} key={params.toString()}>
        <SelectField id="filter-status" label={t('filterStatus')} name="status" defaultValue={status}>
          <option value="">{t('all')}</option>
          {CASE_FILE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField id="filter-unit" label={t('filterUnit')} name="unit" defaultValue={unit}>
          <option value="">{t('all')}</option>
          {filterUnits.map((u) => (
            <option key={u.code} value={u.code}>
              {t('unitOption', { code: u.code, title: u.title })}
            </option>
          ))}
        </SelectField>
        <div className="kern-form-input case-files-filters__text">
          <label className="kern-label" htmlFor="filter-text">
            {t('filterText')}
          </label>
          <div className="kern-hint" id="filter-text-hint">
            {t('filterTextHint')}
          </div>
          <input id="filter-text" name="text" type="search" className="kern-form-input__input" defaultValue={text} aria-describedby="filter-text-hint" maxLength={200} />
        </div>
        <FilterActions className="case-files-filters__buttons" apply={t('apply')} reset={t('reset')} canReset={!!(status || unit || text)} onReset={() => setParams(new URLSearchParams())} />
      </form>

      <AsyncResult data={data} error={error} onRetry={() => void load()}>
        {(data) => (
          <>
            <ResultTable
              count={data.total}
              empty={t('empty')}
              announce
              caption={t('caption', { count: data.total })}
              columns={(['reference', 'title', 'department', 'unit', 'status', 'opened', 'closed'] as const).map((c) => t(`columns.${c}`))}
            >
              {data.items.map((c: CaseFile) => (
                <tr key={c.id} className="kern-table__row">
                  <CaseFileCells caseFile={c} units={units} />
                  <td className="kern-table__cell">
                    <StatusBadge status={c.status} />
                    {held.has(c.id) && (
                      <>
                        {' '}
                        <Badge tone="danger" title={t('underHoldTitle')}>
                          {t('underHold')}
                        </Badge>
                      </>
                    )}
                  </td>
                  <td className="kern-table__cell">{formatDate(c.openedAt)}</td>
                  <td className="kern-table__cell">{formatDate(c.closedAt)}</td>
                </tr>
              ))}
            </ResultTable>
            <Paging label={t('paging')} className="case-files-paging" page={page} pages={pages} onPage={goTo} previous={t('previous')} next={t('next')} position={t('pageOf', { page, pages })} />
          </>
        )}
      </AsyncResult>
    </Page>
  );
}

/** A status in words (the badge colour only repeats it). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('case-files');
  const tone = status === 'open' ? 'success' : status === 'closed' ? 'info' : 'warning';
  return <Badge tone={tone}>{t(`status.${status}`, { defaultValue: status })}</Badge>;
}

function CreateCaseFile({ units, onCancel }: { units: FilePlanUnit[]; onCancel: () => void }) {
  const { t } = useTranslation('case-files');
  const navigate = useNavigate();
  const [unit, setUnit] = useState(units.length === 1 ? units[0].code : '');
  const [title, setTitle] = useState('');
  const [confidentiality, setConfidentiality] = useState('internal');
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!unit || !title.trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api<CaseFile>('/api/v1/case-files', { method: 'POST', json: { filePlanCode: unit, title: title.trim(), confidentiality } });
      navigate(`/akten/${created.id}`, { state: { created: created.reference } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <section className="kern-card case-files-create" aria-labelledby="create-heading">
      <div className="kern-card__container">
        <form onSubmit={submit} noValidate className="case-files-form">
          <h2 id="create-heading" className="kern-heading-medium" tabIndex={-1} ref={heading}>
            {t('create.title')}
          </h2>
          <SelectField id="create-unit" label={t('create.unit')} hint={t('create.unitHint')} required value={unit} onChange={(e) => setUnit(e.target.value)}>
            <option value="">{t('create.choose')}</option>
            {units.map((u) => (
              <option key={u.code} value={u.code}>
                {t('unitOption', { code: u.code, title: u.title })}
              </option>
            ))}
          </SelectField>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="create-title">
              {t('create.name')}
            </label>
            <input id="create-title" className="kern-form-input__input" type="text" required maxLength={500} value={title} onChange={(e) => setTitle(e.target.value)} />
          </div>
          <SelectField id="create-confidentiality" label={t('create.confidentiality')} value={confidentiality} onChange={(e) => setConfidentiality(e.target.value)}>
            {CONFIDENTIALITY_LEVELS.map((c) => (
              <option key={c} value={c}>
                {t(`confidentiality.${c}`)}
              </option>
            ))}
          </SelectField>
          {missing && (
            <p className="kern-error" role="alert">
              {t('create.missing')}
            </p>
          )}
          {error !== null && <ErrorMessage error={error} />}
          <div className="case-files-form__buttons">
            <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
              <span className="kern-label">{t('create.submit')}</span>
            </button>
            <button type="button" className="kern-btn kern-btn--tertiary" onClick={onCancel}>
              <span className="kern-label">{t('create.cancel')}</span>
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}
