import { FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RetentionRulePreviewResponse, RetentionRuleChangeResponse } from '../../../../libs/retention/src/rules/retention-rule.dto';
import { api } from '../common/api-client';
import { ErrorMessage, Notice } from '../common/alerts';
import { AsyncResult } from '../common/async-result';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { ReasonField } from '../common/reason-field';
import { SelectField } from '../common/select-field';
import type { Department, FilePlanUnit } from '../case-files/api';
import { filePlanMessages } from './messages';
import './file-plan.css';

registerMessages('file-plan', filePlanMessages);

type Rule = FilePlanUnit['retention'];
const TRIGGERS = ['closed', 'created'] as const;
const DISPOSALS = ['destroy', 'archive', 'review'] as const;

/** Years from a number field: '' = forever (null), a whole number 0…1000, anything else invalid (undefined). */
function parseYears(text: string): number | null | undefined {
  const v = text.trim();
  if (!v) return null;
  if (!/^\d{1,4}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 1000 ? n : undefined;
}

/** The file plan as a tree of units, each with its retention rule; create units; change a rule after seeing its effect. */
export default function FilePlanPage() {
  const { t } = useTranslation('file-plan');
  const [units, setUnits] = useState<FilePlanUnit[] | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ title: string; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setError(null);
      setUnits(await api<FilePlanUnit[]>('/api/v1/file-plan'));
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
    api<Department[]>('/api/v1/departments').then(setDepartments, () => setDepartments([]));
  }, [load]);

  const children = useMemo(() => {
    const map = new Map<string | null, FilePlanUnit[]>();
    const codes = new Set((units ?? []).map((u) => u.code));
    for (const u of units ?? []) {
      const parent = u.parentCode && codes.has(u.parentCode) ? u.parentCode : null;
      map.set(parent, [...(map.get(parent) ?? []), u]);
    }
    for (const list of map.values()) list.sort((a, b) => a.code.localeCompare(b.code, 'de', { numeric: true }));
    return map;
  }, [units]);

  const renderLevel = (parent: string | null) => {
    const list = children.get(parent);
    if (!list?.length) return null;
    return (
      <ul className="file-plan-tree" aria-label={parent === null ? t('treeLabel') : undefined}>
        {list.map((u) => (
          <li key={u.code} className="file-plan-node">
            <div className="file-plan-unit">
              <span className="file-plan-unit__name">{t('unit', { code: u.code, title: u.title })}</span>
              <span className="file-plan-unit__rule">
                <RuleText rule={u.retention} /> · {t('department', { code: u.departmentCode })}
              </span>
              <button
                type="button"
                className="kern-btn kern-btn--tertiary"
                aria-label={t('change', { code: u.code })}
                aria-expanded={editing === u.code}
                onClick={() => setEditing(editing === u.code ? null : u.code)}
              >
                <span className="kern-label">{t('changeShort')}</span>
              </button>
            </div>
            {editing === u.code && (
              <ChangeRule
                unit={u}
                onCancel={() => setEditing(null)}
                onChanged={(r) => {
                  setEditing(null);
                  setNotice({ title: t('changed'), text: t('changedText', { code: r.code, recomputed: r.recomputed, undue: r.undue }) });
                  void load();
                }}
              />
            )}
            {renderLevel(u.code)}
          </li>
        ))}
      </ul>
    );
  };

  return (
    <Page
      title={t('title')}
      actions={
        !creating ? (
          <button type="button" className="kern-btn kern-btn--primary" onClick={() => setCreating(true)}>
            <span className="kern-icon kern-icon--add" aria-hidden="true"></span>
            <span className="kern-label">{t('create.open')}</span>
          </button>
        ) : undefined
      }
    >
      <p className="kern-body">{t('intro')}</p>
      <div aria-live="polite">
        {notice && (
          <Notice tone="success" title={notice.title}>
            <p className="kern-body">{notice.text}</p>
          </Notice>
        )}
      </div>
      {creating && units && (
        <CreateUnit
          units={units}
          departments={departments}
          onCancel={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            setNotice({ title: t('create.created'), text: t('create.createdText', { code: u.code, title: u.title }) });
            void load();
          }}
        />
      )}
      <section className="app-section" aria-labelledby="tree-heading">
        <h2 id="tree-heading" className="kern-heading-medium">
          {t('treeTitle')}
        </h2>
        <AsyncResult data={units} error={error} onRetry={() => void load()}>
          {() => renderLevel(null)}
        </AsyncResult>
      </section>
    </Page>
  );
}

function RuleText({ rule }: { rule: Rule }) {
  const { t } = useTranslation('file-plan');
  const period = rule.years === null ? t('rule.forever') : t('rule.years', { count: rule.years, trigger: t(`rule.trigger.${rule.trigger}`) });
  return (
    <>
      {period}, {t(`rule.disposal.${rule.disposal}`)}
    </>
  );
}

function RuleFields({ idPrefix, years, setYears, trigger, setTrigger, disposal, setDisposal, yearsInvalid }: {
  idPrefix: string;
  years: string;
  setYears: (v: string) => void;
  trigger: string;
  setTrigger: (v: string) => void;
  disposal: string;
  setDisposal: (v: string) => void;
  yearsInvalid: boolean;
}) {
  const { t } = useTranslation('file-plan');
  return (
    <>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor={`${idPrefix}-years`}>
          {t('years')}
        </label>
        <div className="kern-hint" id={`${idPrefix}-years-hint`}>
          {t('yearsHint')}
        </div>
        <input
          id={`${idPrefix}-years`}
          type="number"
          min={0}
          max={1000}
          step={1}
          inputMode="numeric"
          className="kern-form-input__input"
          aria-describedby={`${idPrefix}-years-hint`}
          aria-invalid={yearsInvalid || undefined}
          value={years}
          onChange={(e) => setYears(e.target.value)}
        />
      </div>
      <SelectField id={`${idPrefix}-trigger`} label={t('trigger')} value={trigger} onChange={(e) => setTrigger(e.target.value)}>
        {TRIGGERS.map((v) => (
          <option key={v} value={v}>
            {t(`rule.triggerOption.${v}`)}
          </option>
        ))}
      </SelectField>
      <SelectField id={`${idPrefix}-disposal`} label={t('disposal')} value={disposal} onChange={(e) => setDisposal(e.target.value)}>
        {DISPOSALS.map((v) => (
          <option key={v} value={v}>
            {t(`rule.disposalOption.${v}`)}
          </option>
        ))}
      </SelectField>
    </>
  );
}

function ChangeRule({ unit, onCancel, onChanged }: { unit: FilePlanUnit; onCancel: () => void; onChanged: (r: RetentionRuleChangeResponse) => void }) {
  const { t } = useTranslation('file-plan');
  const [years, setYears] = useState(unit.retention.years === null ? '' : String(unit.retention.years));
  const [trigger, setTrigger] = useState(unit.retention.trigger);
  const [disposal, setDisposal] = useState(unit.retention.disposal);
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<RetentionRulePreviewResponse | null>(null);
  const [problem, setProblem] = useState<'years' | 'reason' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const previewRef = useRef<HTMLDivElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (preview) previewRef.current?.focus();
  }, [preview]);
  const edited = (f: (v: string) => void) => (v: string) => {
    f(v);
    setPreview(null);
    setProblem(null);
  };

  async function check(e: FormEvent) {
    e.preventDefault();
    const y = parseYears(years);
    if (y === undefined) return setProblem('years');
    if (reason.trim().length < 3) return setProblem('reason');
    setBusy(true);
    setError(null);
    try {
      setPreview(await api<RetentionRulePreviewResponse>(`/api/v1/file-plan/${encodeURIComponent(unit.code)}/retention/preview`, { query: { years: y ?? undefined, trigger } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    const y = parseYears(years);
    if (y === undefined) return setProblem('years');
    setBusy(true);
    setError(null);
    try {
      onChanged(await api<RetentionRuleChangeResponse>(`/api/v1/file-plan/${encodeURIComponent(unit.code)}/retention`, { method: 'PUT', json: { years: y, trigger, disposal, reason: reason.trim() } }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const id = `rule-${unit.code.replace(/[^A-Za-z0-9]/g, '-')}`;
  return (
    <form onSubmit={check} noValidate className="kern-card file-plan-form" aria-labelledby={`${id}-heading`}>
      <div className="kern-card__container file-plan-form__fields">
        <h3 id={`${id}-heading`} className="kern-heading-small" tabIndex={-1} ref={heading}>
          {t('changeTitle', { code: unit.code, title: unit.title })}
        </h3>
        <RuleFields
          idPrefix={id}
          years={years}
          setYears={edited(setYears)}
          trigger={trigger}
          setTrigger={edited(setTrigger as (v: string) => void)}
          disposal={disposal}
          setDisposal={edited(setDisposal as (v: string) => void)}
          yearsInvalid={problem === 'years'}
        />
        <ReasonField id={`${id}-reason`} label={t('reason')} hint={t('reasonHint')} invalid={problem === 'reason'} value={reason} onChange={edited(setReason)} />
        {problem && (
          <p className="kern-error" role="alert">
            {problem === 'years' ? t('yearsInvalid') : t('reasonMissing')}
          </p>
        )}
        <div className="file-plan-buttons">
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
            <span className="kern-label">{t('preview')}</span>
          </button>
          <button type="button" className="kern-btn kern-btn--tertiary" onClick={onCancel} disabled={busy}>
            <span className="kern-label">{t('cancel')}</span>
          </button>
        </div>
        {preview && (
          <div tabIndex={-1} ref={previewRef} className="file-plan-preview">
            <Notice tone={preview.heldShortened ? 'warning' : 'info'} title={t('previewTitle')}>
              <p className="kern-body">{t('previewText', { caseFiles: preview.caseFiles, recomputed: preview.recomputed, undue: preview.undue })}</p>
              {preview.heldShortened > 0 && <p className="kern-body">{t('previewHeld', { count: preview.heldShortened })}</p>}
            </Notice>
            <div className="file-plan-buttons">
              <button type="button" className="kern-btn kern-btn--primary" onClick={() => void confirm()} disabled={busy}>
                <span className="kern-label">{t('confirm')}</span>
              </button>
            </div>
          </div>
        )}
        {error !== null && <ErrorMessage error={error} />}
      </div>
    </form>
  );
}

function CreateUnit({ units, departments, onCancel, onCreated }: { units: FilePlanUnit[]; departments: Department[]; onCancel: () => void; onCreated: (u: FilePlanUnit) => void }) {
  const { t } = useTranslation('file-plan');
  const [code, setCode] = useState('');
  const [title, setTitle] = useState('');
  const [parentCode, setParentCode] = useState('');
  const [departmentCode, setDepartmentCode] = useState('');
  const [years, setYears] = useState('10');
  const [trigger, setTrigger] = useState('closed');
  const [disposal, setDisposal] = useState('destroy');
  const [problem, setProblem] = useState<'missing' | 'years' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  function chooseParent(value: string) {
    setParentCode(value);
    const parent = units.find((u) => u.code === value);
    if (parent) {
      if (!departmentCode) setDepartmentCode(parent.departmentCode);
      if (!code) setCode(`${parent.code}.`);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!code.trim() || !title.trim() || !departmentCode) return setProblem('missing');
    const y = parseYears(years);
    if (y === undefined) return setProblem('years');
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await api<FilePlanUnit>('/api/v1/file-plan', {
          method: 'POST',
          json: { code: code.trim(), title: title.trim(), parentCode: parentCode || undefined, departmentCode, retention: { years: y, trigger, disposal } },
        }),
      );
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <section className="kern-card file-plan-form" aria-labelledby="create-unit-heading">
      <div className="kern-card__container">
        <form onSubmit={submit} noValidate className="file-plan-form__fields">
          <h2 id="create-unit-heading" className="kern-heading-medium" tabIndex={-1} ref={heading}>
            {t('create.title')}
          </h2>
          <SelectField id="unit-parent" label={t('create.parent')} value={parentCode} onChange={(e) => chooseParent(e.target.value)}>
            <option value="">{t('create.noParent')}</option>
            {[...units]
              .sort((a, b) => a.code.localeCompare(b.code, 'de', { numeric: true }))
              .map((u) => (
                <option key={u.code} value={u.code}>
                  {t('unit', { code: u.code, title: u.title })}
                </option>
              ))}
          </SelectField>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="unit-code">
              {t('create.code')}
            </label>
            <div className="kern-hint" id="unit-code-hint">
              {t('create.codeHint')}
            </div>
            <input id="unit-code" type="text" className="kern-form-input__input" autoComplete="off" maxLength={64} aria-describedby="unit-code-hint" value={code} onChange={(e) => setCode(e.target.value)} />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="unit-title">
              {t('create.name')}
            </label>
            <input id="unit-title" type="text" className="kern-form-input__input" autoComplete="off" maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
          </div>
          <SelectField id="unit-department" label={t('create.department')} value={departmentCode} onChange={(e) => setDepartmentCode(e.target.value)}>
            <option value="">{t('create.chooseDepartment')}</option>
            {departments.map((d) => (
              <option key={d.code} value={d.code}>
                {d.code} {d.name}
              </option>
            ))}
          </SelectField>
          <RuleFields
            idPrefix="unit"
            years={years}
            setYears={setYears}
            trigger={trigger}
            setTrigger={setTrigger}
            disposal={disposal}
            setDisposal={setDisposal}
            yearsInvalid={problem === 'years'}
          />
          {problem && (
            <p className="kern-error" role="alert">
              {problem === 'years' ? t('yearsInvalid') : t('create.missing')}
            </p>
          )}
          <div className="file-plan-buttons">
            <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
              <span className="kern-label">{t('create.submit')}</span>
            </button>
            <button type="button" className="kern-btn kern-btn--secondary" onClick={onCancel} disabled={busy}>
              <span className="kern-label">{t('create.cancel')}</span>
            </button>
          </div>
          {error !== null && <ErrorMessage error={error} />}
        </form>
      </div>
    </section>
  );
}
