import { Fragment } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import type { AuditEvent } from './audit-api';
import './audit.css';

/** What an event means, in the auditor's language (an unknown action shows its code). */
export function useEventWords() {
  const { t } = useTranslation('audit');
  const { t: tc } = useTranslation();
  const actions = t('actions', { returnObjects: true }) as Record<string, string>;
  const objectTypes = t('objectTypes', { returnObjects: true }) as Record<string, string>;
  return {
    action: (e: AuditEvent) => actions[e.action] ?? e.action,
    who: (e: AuditEvent) =>
      e.actorSub ? t('who', { name: e.actorName ?? e.actorSub, sub: e.actorSub, roles: e.actorRoles.map((r) => tc(`roles.${r}`, { defaultValue: r })).join(', ') || '–' }) : t('system'),
    objectType: (type: string | null) => (type ? objectTypes[type] ?? type : ''),
    outcome: (e: AuditEvent) => t(`outcome.${e.outcome}`, { defaultValue: e.outcome }),
  };
}

const RAW_FIELDS = ['seq', 'id', 'occurredAt', 'actorSub', 'actorName', 'actorRoles', 'actorDepartments', 'action', 'objectType', 'objectId', 'caseFileId', 'outcome', 'requestId', 'clientIp', 'reason', 'details', 'prevHash', 'hash'] as const;

function rawValue(e: AuditEvent, field: (typeof RAW_FIELDS)[number]): string {
  const v = e[field];
  if (v === null || v === undefined) return '–';
  if (Array.isArray(v)) return v.join(', ') || '–';
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

/**
 * Events as a table: when, who, what, which object, outcome (a word, never colour alone), reason;
 * each row's raw fields (hashes, request id, address, details) in a disclosure below it.
 */
export function AuditEventTable({ events, caption, highlightSeq, linkCaseFiles = true }: { events: AuditEvent[]; caption: string; highlightSeq?: string; linkCaseFiles?: boolean }) {
  const { t } = useTranslation('audit');
  const words = useEventWords();
  const columns = ['seq', 'when', 'who', 'what', 'object', 'outcome', 'reason'] as const;
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--small audit-table">
        <caption className="kern-title">{caption}</caption>
        <thead className="kern-table__header">
          <tr className="kern-table__row">
            {columns.map((c) => (
              <th key={c} scope="col" className="kern-table__header">
                {t(`columns.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {events.map((e) => {
            const broken = highlightSeq !== undefined && e.seq === highlightSeq;
            return (
              <Fragment key={e.id}>
                <tr className={`kern-table__row${broken ? ' audit-row--broken' : ''}`}>
                  <th scope="row" className="kern-table__cell">
                    {e.seq}
                    {broken && (
                      <span className="kern-badge kern-badge--danger audit-broken-badge">
                        <span className="kern-label">{t('brokenRow')}</span>
                      </span>
                    )}
                  </th>
                  <td className="kern-table__cell">{formatDateTime(e.occurredAt)}</td>
                  <td className="kern-table__cell">{words.who(e)}</td>
                  <td className="kern-table__cell">{words.action(e)}</td>
                  <td className="kern-table__cell">
                    {e.objectType && <>{t('objectLabel', { type: words.objectType(e.objectType), id: shortId(e.objectId) })}</>}
                    {linkCaseFiles && e.caseFileId && (
                      <>
                        {' '}
                        <Link className="kern-link" to={`/protokoll/akten/${e.caseFileId}`}>
                          {t('historyOfCaseFile')}
                        </Link>
                      </>
                    )}
                  </td>
                  <td className="kern-table__cell">
                    <span className={`audit-outcome audit-outcome--${e.outcome}`}>{words.outcome(e)}</span>
                  </td>
                  <td className="kern-table__cell">{e.reason ?? '–'}</td>
                </tr>
                <tr className="kern-table__row audit-raw-row">
                  <td className="kern-table__cell" colSpan={columns.length}>
                    <details>
                      <summary aria-label={t('rawOf', { seq: e.seq })}>{t('raw')}</summary>
                      <dl className="kern-description-list audit-raw">
                        {RAW_FIELDS.map((f) => (
                          <div key={f} className="kern-description-list-item">
                            <dt className="kern-description-list-item__key">{t(`rawFields.${f}`)}</dt>
                            <dd className="kern-description-list-item__value">
                              <code>{rawValue(e, f)}</code>
                            </dd>
                          </div>
                        ))}
                      </dl>
                    </details>
                  </td>
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function shortId(id: string | null): string {
  if (!id) return '';
  return /^[0-9a-f-]{36}$/i.test(id) ? `${id.slice(0, 8)}…` : id;
}
