import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Plugin, Tooltip } from 'chart.js';

/**
 * chart.js, tree-shaken: only the bar chart (vertical and horizontal, grouped and stacked), its
 * two scales, the legend and the tooltip are registered and bundled. This module is imported by
 * the dashboard screen only, so it loads with the dashboard's chunk, never with the first screen.
 */
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export { Chart };

/** Fill patterns: each series differs by pattern as well as by colour (never colour alone). */
export type PatternName = 'solid' | 'diagonal' | 'dots' | 'cross' | 'horizontal';

/** Colours of the series (dark enough for 3:1 against white, told apart by pattern too). */
export const SERIES_COLOURS = ['#0b3d91', '#b35900', '#1e6b3a', '#7a2b8f', '#a4262c'];

export function fillPattern(colour: string, pattern: PatternName): CanvasPattern | string {
  if (pattern === 'solid') return colour;
  const size = 10;
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const ctx = tile.getContext('2d');
  if (!ctx) return colour;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  if (pattern === 'diagonal') {
    ctx.moveTo(0, size);
    ctx.lineTo(size, 0);
    ctx.moveTo(-size / 2, size / 2);
    ctx.lineTo(size / 2, -size / 2);
    ctx.moveTo(size / 2, size * 1.5);
    ctx.lineTo(size * 1.5, size / 2);
    ctx.stroke();
  } else if (pattern === 'horizontal') {
    ctx.moveTo(0, size / 2);
    ctx.lineTo(size, size / 2);
    ctx.stroke();
  } else if (pattern === 'cross') {
    ctx.moveTo(0, 0);
    ctx.lineTo(size, size);
    ctx.moveTo(size, 0);
    ctx.lineTo(0, size);
    ctx.stroke();
  } else {
    ctx.arc(size / 2, size / 2, 2.5, 0, Math.PI * 2);
    ctx.fill();
  }
  return ctx.createPattern(tile, 'repeat') ?? colour;
}

/**
 * Direct labels: every bar carries its value (stacked bars: the stack's total), so a figure can
 * be read without telling colours apart and without hovering. With many categories (days) a zero
 * is left unlabelled: no bar is drawn there, and the table lists it.
 */
export function valueLabels(format: (n: number) => string, stacked: boolean): Plugin<'bar'> {
  return {
    id: 'eakteValueLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const horizontal = chart.options.indexAxis === 'y';
      ctx.save();
      ctx.fillStyle = '#1a1a1a';
      ctx.font = '600 12px "Fira Sans", sans-serif';
      ctx.textBaseline = horizontal ? 'middle' : 'bottom';
      ctx.textAlign = horizontal ? 'left' : 'center';
      const datasets = chart.data.datasets;
      const count = chart.data.labels?.length ?? 0;
      const skipZero = count > 12;
      for (let i = 0; i < count; i++) {
        if (stacked) {
          let top: { x: number; y: number } | null = null;
          let total = 0;
          datasets.forEach((ds, d) => {
            if (!chart.isDatasetVisible(d)) return;
            total += Number(ds.data[i] ?? 0);
            const el = chart.getDatasetMeta(d).data[i];
            if (el) top = horizontal ? (top === null || el.x > top.x ? { x: el.x, y: el.y } : top) : top === null || el.y < top.y ? { x: el.x, y: el.y } : top;
          });
          if (top && total > 0) draw(ctx, format(total), top, horizontal);
        } else {
          datasets.forEach((ds, d) => {
            if (!chart.isDatasetVisible(d)) return;
            const el = chart.getDatasetMeta(d).data[i];
            const value = Number(ds.data[i] ?? 0);
            if (el && !(skipZero && value === 0)) draw(ctx, format(value), { x: el.x, y: el.y }, horizontal);
          });
        }
      }
      ctx.restore();
    },
  };
}

function draw(ctx: CanvasRenderingContext2D, text: string, at: { x: number; y: number }, horizontal: boolean): void {
  if (horizontal) ctx.fillText(text, at.x + 4, at.y);
  else ctx.fillText(text, at.x, at.y - 2);
}
