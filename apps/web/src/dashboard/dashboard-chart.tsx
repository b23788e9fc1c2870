import { ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../common/format';
import { Chart, fillPattern, PatternName, SERIES_COLOURS, valueLabels } from './chart-setup';

export interface ChartSeries {
  label: string;
  values: number[];
}

export interface DashboardChartProps {
  id: string;
  title: string;
  /** The chart in words (the canvas's accessible name): what it shows and its main figures. */
  summary: string;
  /** Axis labels (short, e.g. 04.12.). */
  categories: string[];
  /** The same categories in full for the table (e.g. 04.12.2026); default: `categories`. */
  tableCategories?: string[];
  categoryHeader: string;
  series: ChartSeries[];
  stacked?: boolean;
  horizontal?: boolean;
  /** Further table columns (e.g. a share or the oldest letter), already formatted. */
  extraColumns?: Array<{ header: string; values: string[] }>;
  /** A last row with each series' sum. */
  totalRow?: boolean;
  children?: ReactNode;
}

const PATTERNS: PatternName[] = ['solid', 'diagonal', 'dots', 'cross', 'horizontal'];
const localeTag = (language: string) => (language === 'en' ? 'en-GB' : 'de-DE');

/**
 * A bar chart with its text alternative (BITV 2.0 / WCAG 1.1.1): the canvas is an image whose
 * name says what it shows, and the figures stand in a table in a disclosure below it. Series
 * differ by pattern as well as colour, and every bar carries its value.
 */
export function DashboardChart(p: DashboardChartProps) {
  const { t, i18n } = useTranslation('dashboard');
  const canvas = useRef<HTMLCanvasElement>(null);
  const data = JSON.stringify([p.categories, p.series, p.stacked, p.horizontal]);

  useEffect(() => {
    if (!canvas.current) return;
    const stacked = !!p.stacked;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: p.categories,
        datasets: p.series.map((s, i) => ({
          label: s.label,
          data: s.values,
          backgroundColor: fillPattern(SERIES_COLOURS[i % SERIES_COLOURS.length], PATTERNS[i % PATTERNS.length]),
          borderColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
          borderWidth: 1.5,
        })),
      },
      options: {
        indexAxis: p.horizontal ? 'y' : 'x',
        locale: localeTag(i18n.language),
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { top: 18, right: p.horizontal ? 48 : 8 } },
        plugins: {
          legend: { display: p.series.length > 1, position: 'bottom', labels: { color: '#1a1a1a', boxWidth: 28, boxHeight: 14 } },
          tooltip: { enabled: true },
        },
        scales: {
          x: { stacked, beginAtZero: true, ticks: { color: '#1a1a1a', precision: 0 }, grid: { display: !!p.horizontal } },
          y: { stacked, beginAtZero: true, ticks: { color: '#1a1a1a', precision: 0 }, grid: { display: !p.horizontal } },
        },
      },
      plugins: [valueLabels((n) => formatNumber(n), stacked)],
    });
    return () => chart.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, i18n.language]);

  const rows = p.tableCategories ?? p.categories;
  const height = p.horizontal ? `${Math.max(8, p.categories.length * 2.75 + (p.series.length > 1 ? 6 : 3))}rem` : '18rem';
  const headingId = `${p.id}-title`;
  return (
    <figure className="dashboard-chart" aria-labelledby={headingId}>
      <h3 id={headingId} className="kern-heading-small">
        {p.title}
      </h3>
      <div className="dashboard-chart__canvas" style={{ height }}>
        <canvas ref={canvas} role="img" aria-label={p.summary} />
      </div>
      {p.children}
      <details className="dashboard-chart__data">
        <summary className="kern-body">{t('asTable')}</summary>
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--small">
            <caption className="kern-title">{p.title}</caption>
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">
                  {p.categoryHeader}
                </th>
                {p.series.map((s) => (
                  <th key={s.label} scope="col" className="kern-table__header dashboard-number">
                    {s.label}
                  </th>
                ))}
                {p.extraColumns?.map((c) => (
                  <th key={c.header} scope="col" className="kern-table__header dashboard-number">
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {rows.map((category, i) => (
                <tr key={category} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">
                    {category}
                  </th>
                  {p.series.map((s) => (
                    <td key={s.label} className="kern-table__cell dashboard-number">
                      {formatNumber(s.values[i] ?? 0)}
                    </td>
                  ))}
                  {p.extraColumns?.map((c) => (
                    <td key={c.header} className="kern-table__cell dashboard-number">
                      {c.values[i]}
                    </td>
                  ))}
                </tr>
              ))}
              {p.totalRow && (
                <tr className="kern-table__row dashboard-total">
                  <th scope="row" className="kern-table__cell">
                    {t('total')}
                  </th>
                  {p.series.map((s) => (
                    <td key={s.label} className="kern-table__cell dashboard-number">
                      {formatNumber(s.values.reduce((a, b) => a + b, 0))}
                    </td>
                  ))}
                  {p.extraColumns?.map((c) => (
                    <td key={c.header} className="kern-table__cell" />
                  ))}
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
