import { ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Loading } from '../common/alerts';
import { formatDateTime, formatNumber, formatPercent } from '../common/format';
import { DashboardChart } from './dashboard-chart';
import { formatDay, formatShortDay, maxOf } from './dashboard-format';
import { DashboardName, fetchAuditor, fetchCaseworker, fetchRecordsManager, fetchScanCentre } from './dashboard-api';
import { useDashboard } from './use-dashboard';

const DAY_CHOICES = [7, 30, 90];
const YEAR_CHOICES = [5, 10, 20, 30];

type T = ReturnType<typeof useTranslation>['t'];
const parts = (t: T, entries: Array<[string, number]>, total?: number) =>
  entries
    .map(([label, value]) => (total ? t('partShare', { value: formatNumber(value), label, share: formatPercent(value / total) }) : t('part', { value: formatNumber(value), label })))
    .join(', ');

/** A role's dashboard: heading, period choice, and its charts once loaded. */
function Section({ name, choices, unit, period, onPeriod, children }: { name: DashboardName; choices: number[]; unit: 'lastDays' | 'yearsAhead'; period: number; onPeriod: (n: number) => void; children: ReactNode }) {
  const { t } = useTranslation('dashboard');
  const selectId = useId();
  return (
    <section className="dashboard-section app-section" aria-labelledby={`dashboard-${name}`}>
      <div className="dashboard-section__header">
        <h2 id={`dashboard-${name}`} className="kern-heading-medium">
          {t(`sections.${name}`)}
        </h2>
        <div className="kern-form-input dashboard-period">
          <label className="kern-label" htmlFor={selectId}>
            {t('period')}
          </label>
          <div className="kern-form-input__select-wrapper">
            <select id={selectId} className="kern-form-input__select" value={period} onChange={(e) => onPeriod(Number(e.target.value))}>
              {choices.map((n) => (
                <option key={n} value={n}>
                  {t(unit, { count: n })}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      {children}
    </section>
  );
}

function Loaded<D>({ state, children }: { state: { data: D | null; error: unknown; retry: () => void }; children: (d: D) => ReactNode }) {
  if (state.error !== null) return <ErrorMessage error={state.error} onRetry={state.retry} />;
  if (!state.data) return <Loading />;
  return <div className="dashboard-charts">{children(state.data)}</div>;
}

export function ScanCentreSection() {
  const { t } = useTranslation('dashboard');
  const [days, setDays] = useState(30);
  const state = useDashboard(fetchScanCentre, days);
  return (
    <Section name="scan-centre" choices={DAY_CHOICES} unit="lastDays" period={days} onPeriod={setDays}>
      <p className="kern-body">{t('scan.intro')}</p>
      <Loaded state={state}>
        {(d) => {
          const from = formatDay(d.period.from);
          const to = formatDay(d.period.to);
          const letters = d.perDay.reduce((n, x) => n + x.letters, 0);
          const pages = d.perDay.reduce((n, x) => n + x.pages, 0);
          const max = maxOf(d.perDay, (x) => x.letters);
          const outcomeKeys = ['filedAutomatically', 'inbox', 'rejected', 'failed', 'inProgress'] as const;
          const outcomeLabels = outcomeKeys.map((k) => t(`scan.outcomes.${k}`));
          const outcomeValues = outcomeKeys.map((k) => d.outcomes[k]);
          const backlogKeys = ['queued', 'processing', 'failed'] as const;
          const backlogLabels = backlogKeys.map((k) => t(`scan.backlog.${k}`));
          const backlogValues = backlogKeys.map((k) => d.backlog[k]);
          const oldest = d.backlog.oldestWaitingSince ? t('scan.backlogOldest', { when: formatDateTime(d.backlog.oldestWaitingSince) }) : t('scan.backlogNone');
          return (
            <>
              <DashboardChart
                id="scan-per-day"
                title={t('scan.perDayTitle')}
                summary={
                  letters && max
                    ? t('scan.perDaySummary', { count: letters, from, to, letters: formatNumber(letters), pages: formatNumber(pages), maxDay: formatDay(max.item.day), max: formatNumber(max.value) })
                    : t('scan.perDaySummaryEmpty', { from, to })
                }
                categories={d.perDay.map((x) => formatShortDay(x.day))}
                tableCategories={d.perDay.map((x) => formatDay(x.day))}
                categoryHeader={t('scan.day')}
                series={[
                  { label: t('scan.letters'), values: d.perDay.map((x) => x.letters) },
                  { label: t('scan.pages'), values: d.perDay.map((x) => x.pages) },
                ]}
                totalRow
              />
              <DashboardChart
                id="scan-outcomes"
                title={t('scan.outcomesTitle')}
                summary={t('scan.outcomesSummary', { total: formatNumber(d.outcomes.total), parts: parts(t, outcomeLabels.map((l, i) => [l, outcomeValues[i]]), d.outcomes.total) })}
                categories={outcomeLabels}
                categoryHeader={t('scan.outcome')}
                series={[{ label: t('scan.letters'), values: outcomeValues }]}
                extraColumns={[{ header: t('scan.share'), values: outcomeValues.map((v) => (d.outcomes.total ? formatPercent(v / d.outcomes.total) : '–')) }]}
                horizontal
                totalRow
              />
              <DashboardChart
                id="scan-backlog"
                title={t('scan.backlogTitle')}
                summary={`${t('scan.backlogSummary', { parts: parts(t, backlogLabels.map((l, i) => [l, backlogValues[i]])) })} ${oldest}`}
                categories={backlogLabels}
                categoryHeader={t('scan.state')}
                series={[{ label: t('scan.letters'), values: backlogValues }]}
                horizontal
              >
                <p className="kern-body">{oldest}</p>
              </DashboardChart>
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

export function CaseworkerSection() {
  const { t } = useTranslation('dashboard');
  const [days, setDays] = useState(30);
  const state = useDashboard(fetchCaseworker, days);
  const ageKeys = ['underOneDay', 'oneToThreeDays', 'threeToSevenDays', 'overSevenDays'] as const;
  return (
    <Section name="caseworker" choices={DAY_CHOICES} unit="lastDays" period={days} onPeriod={setDays}>
      <p className="kern-body">{t('caseworker.intro')}</p>
      <Loaded state={state}>
        {(d) => {
          if (!d.inboxes.length) return <p className="kern-body">{t('caseworker.noDepartments')}</p>;
          const from = formatDay(d.period.from);
          const to = formatDay(d.period.to);
          const departmentLabels = d.inboxes.map((i) => t('caseworker.departmentLabel', { code: i.departmentCode, name: i.departmentName }));
          const inboxParts = d.inboxes
            .map((i) => {
              const ages = parts(t, ageKeys.map((k) => [t(`caseworker.ages.${k}`), i[k]]));
              const text = t('caseworker.inboxDepartment', { code: i.departmentCode, name: i.departmentName, total: formatNumber(i.total), ages });
              return i.oldestSince ? `${text}, ${t('caseworker.inboxOldest', { when: formatDateTime(i.oldestSince) })}` : text;
            })
            .join('; ');
          const automatic = d.incomingPerDay.reduce((n, x) => n + x.filedAutomatically, 0);
          const viaInbox = d.incomingPerDay.reduce((n, x) => n + x.viaInbox, 0);
          return (
            <>
              <DashboardChart
                id="caseworker-inbox"
                title={t('caseworker.inboxTitle')}
                summary={t('caseworker.inboxSummary', { parts: inboxParts })}
                categories={departmentLabels}
                categoryHeader={t('caseworker.department')}
                series={ageKeys.map((k) => ({ label: t(`caseworker.ages.${k}`), values: d.inboxes.map((i) => i[k]) }))}
                extraColumns={[
                  { header: t('caseworker.waiting'), values: d.inboxes.map((i) => formatNumber(i.total)) },
                  { header: t('caseworker.oldest'), values: d.inboxes.map((i) => (i.oldestSince ? formatDateTime(i.oldestSince) : '–')) },
                ]}
                stacked
                horizontal
              />
              <DashboardChart
                id="caseworker-incoming"
                title={t('caseworker.incomingTitle')}
                summary={t('caseworker.incomingSummary', { from, to, automatic: formatNumber(automatic), viaInbox: formatNumber(viaInbox) })}
                categories={d.incomingPerDay.map((x) => formatShortDay(x.day))}
                tableCategories={d.incomingPerDay.map((x) => formatDay(x.day))}
                categoryHeader={t('caseworker.day')}
                series={[
                  { label: t('caseworker.incoming.filedAutomatically'), values: d.incomingPerDay.map((x) => x.filedAutomatically) },
                  { label: t('caseworker.incoming.viaInbox'), values: d.incomingPerDay.map((x) => x.viaInbox) },
                ]}
                stacked
                totalRow
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

export function RecordsManagerSection() {
  const { t } = useTranslation('dashboard');
  const [years, setYears] = useState(10);
  const state = useDashboard(fetchRecordsManager, years);
  return (
    <Section name="records-manager" choices={YEAR_CHOICES} unit="yearsAhead" period={years} onPeriod={setYears}>
      <p className="kern-body">{t('records.intro')}</p>
      <Loaded state={state}>
        {(d) => {
          const total = d.duePerYear.reduce((n, y) => n + y.caseFiles, 0);
          const max = maxOf(d.duePerYear, (y) => y.caseFiles);
          const first = String(d.duePerYear[0]?.year ?? '');
          const last = String(d.duePerYear[d.duePerYear.length - 1]?.year ?? '');
          const dueKeys = ['due', 'onHold', 'offered'] as const;
          const dueLabels = dueKeys.map((k) => t(`records.dueNow.${k}`));
          const dueValues = dueKeys.map((k) => d.dueNow[k]);
          const offerLabels = d.offersByState.map((o) => t(`records.offerStates.${o.status}`, { defaultValue: o.status }));
          const offerValues = d.offersByState.map((o) => o.offers);
          return (
            <>
              <DashboardChart
                id="records-per-year"
                title={t('records.perYearTitle')}
                summary={
                  total && max
                    ? t('records.perYearSummary', { count: total, first, last, total: formatNumber(total), maxYear: String(max.item.year), max: formatNumber(max.value) })
                    : t('records.perYearSummaryEmpty', { first, last })
                }
                categories={d.duePerYear.map((y) => String(y.year))}
                categoryHeader={t('records.year')}
                series={[{ label: t('records.caseFiles'), values: d.duePerYear.map((y) => y.caseFiles) }]}
                totalRow
              />
              <DashboardChart
                id="records-due-now"
                title={t('records.dueNowTitle')}
                summary={t('records.dueNowSummary', { parts: parts(t, dueLabels.map((l, i) => [l, dueValues[i]])) })}
                categories={dueLabels}
                categoryHeader={t('records.state')}
                series={[{ label: t('records.caseFiles'), values: dueValues }]}
                horizontal
              />
              <DashboardChart
                id="records-offers"
                title={t('records.offersTitle')}
                summary={t('records.offersSummary', { parts: parts(t, offerLabels.map((l, i) => [l, offerValues[i]])) })}
                categories={offerLabels}
                categoryHeader={t('records.state')}
                series={[{ label: t('records.offers'), values: offerValues }]}
                horizontal
                totalRow
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

export function AuditorSection() {
  const { t } = useTranslation('dashboard');
  const [days, setDays] = useState(30);
  const state = useDashboard(fetchAuditor, days);
  const deniedKeys = ['unauthenticated', 'forbidden', 'otherDepartment', 'other'] as const;
  return (
    <Section name="auditor" choices={DAY_CHOICES} unit="lastDays" period={days} onPeriod={setDays}>
      <p className="kern-body">{t('audit.intro')}</p>
      <Loaded state={state}>
        {(d) => {
          const from = formatDay(d.period.from);
          const to = formatDay(d.period.to);
          const total = d.perDay.reduce((n, x) => n + x.events, 0);
          const max = maxOf(d.perDay, (x) => x.events);
          const denied = d.perDay.reduce((n, x) => n + x.denied, 0);
          const deniedLabels = deniedKeys.map((k) => t(`audit.denied.${k}`));
          const deniedTotals = deniedKeys.map((k) => d.perDay.reduce((n, x) => n + x[k], 0));
          return (
            <>
              <DashboardChart
                id="audit-events"
                title={t('audit.eventsTitle')}
                summary={t('audit.eventsSummary', { from, to, total: formatNumber(total), maxDay: max ? formatDay(max.item.day) : '–', max: formatNumber(max?.value ?? 0) })}
                categories={d.perDay.map((x) => formatShortDay(x.day))}
                tableCategories={d.perDay.map((x) => formatDay(x.day))}
                categoryHeader={t('audit.day')}
                series={[{ label: t('audit.events'), values: d.perDay.map((x) => x.events) }]}
                totalRow
              />
              <DashboardChart
                id="audit-denied"
                title={t('audit.deniedTitle')}
                summary={t('audit.deniedSummary', { from, to, total: formatNumber(denied), parts: parts(t, deniedLabels.map((l, i) => [l, deniedTotals[i]])) })}
                categories={d.perDay.map((x) => formatShortDay(x.day))}
                tableCategories={d.perDay.map((x) => formatDay(x.day))}
                categoryHeader={t('audit.day')}
                series={deniedKeys.map((k, i) => ({ label: deniedLabels[i], values: d.perDay.map((x) => x[k]) }))}
                stacked
                totalRow
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}
