import { html, raw, SafeHtml } from '../pages/html';

/**
 * The console's charts: plain HTML rows with the words and numbers in the page's own (large) type,
 * and the bars as inline SVG drawn to scale. Colours come from the stylesheet (`tone-*`, `s-*`
 * classes); every number is also printed, so nothing depends on telling colours apart.
 */
export interface BarRow {
  label: string;
  value: number;
  /** Shown instead of the bare number (e.g. `12.50 USD`). */
  display?: string;
  tone?: string;
  /** Extra words after the value (e.g. `overdue`). */
  note?: string;
}

/** Percent of the bar track a value fills; a non-zero value is at least visible. */
export function barPercent(value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.max(1, Math.round((value / max) * 1000) / 10);
}

export function barChart(rows: BarRow[], caption: string, options: { max?: number; empty?: string } = {}): SafeHtml {
  if (rows.length === 0) return html`<figure class="chart"><figcaption>${caption}</figcaption><p class="empty">${options.empty ?? 'Nothing to show.'}</p></figure>`;
  const max = options.max ?? Math.max(0, ...rows.map((r) => r.value));
  return html`<figure class="chart">
    <figcaption>${caption}</figcaption>
    <ul class="bars">
      ${rows.map(
        (row) => html`<li>
          <span class="bar-label">${row.label}</span>
          ${raw(barSvg(barPercent(row.value, max), row.tone ?? 'tone-main'))}
          <span class="bar-value">${row.display ?? String(row.value)}${row.note ? html` <strong class="tag tag-overdue">${row.note}</strong>` : ''}</span>
        </li>`,
      )}
    </ul>
  </figure>`;
}

function barSvg(percent: number, tone: string): string {
  return `<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="bar-track" x="0" y="0" width="100" height="10"/><rect class="${tone}" x="0" y="0" width="${percent}" height="10"/></svg>`;
}

export interface Segment {
  key: string;
  label: string;
  value: number;
}

/** Segments as percentages of their total, in order, ending exactly at 100. */
export function stackLayout(segments: Segment[]): Array<Segment & { x: number; width: number }> {
  const total = segments.reduce((sum, s) => sum + s.value, 0);
  if (total === 0) return [];
  let x = 0;
  return segments
    .filter((s) => s.value > 0)
    .map((s, i, all) => {
      const width = i === all.length - 1 ? Math.round((100 - x) * 100) / 100 : Math.round((s.value / total) * 10000) / 100;
      const placed = { ...s, x: Math.round(x * 100) / 100, width };
      x += width;
      return placed;
    });
}

/** One bar split into segments (e.g. a branch's items by status), labelled for screen readers. */
export function stackedBar(segments: Segment[], label: string): SafeHtml {
  const placed = stackLayout(segments);
  const total = segments.reduce((sum, s) => sum + s.value, 0);
  const summary = `${label}: ${total} items; ${placed.map((s) => `${s.label} ${s.value}`).join(', ')}`;
  const rects = placed.map((s) => `<rect class="s-${s.key}" x="${s.x}" y="0" width="${s.width}" height="10"><title>${escape(s.label)}: ${s.value}</title></rect>`).join('');
  return raw(`<svg class="stack" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${escape(summary)}"><rect class="bar-track" x="0" y="0" width="100" height="10"/>${rects}</svg>`);
}

export function swatch(key: string): SafeHtml {
  return raw(`<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false"><rect class="s-${key}" width="10" height="10"/></svg>`);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
