// A per-day line chart in plain SVG: one line per series, a legend, and the numbers in a table for screen readers.
import { h, svg, table } from './dom.js';
import { count } from './format.js';

const WIDTH = 1000;
const HEIGHT = 200;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

/**
 * @param days [{day, counts}] one row per day, in order
 * @param series [{key, label}] counters to draw (key in counts)
 */
export function dailyChart(title, days, series) {
  const values = days.flatMap((d) => series.map((s) => d.counts[s.key] || 0));
  const max = niceMax(Math.max(1, ...values));
  const x = (i) => PAD.left + (days.length <= 1 ? 0 : (i * (WIDTH - PAD.left - PAD.right)) / (days.length - 1));
  const y = (v) => HEIGHT - PAD.bottom - (v * (HEIGHT - PAD.top - PAD.bottom)) / max;
  const ticks = Number.isInteger(max / 2) ? [0, max / 2, max] : [0, max];
  const labelled = days.length <= 2 ? days.map((_, i) => i) : [0, Math.floor((days.length - 1) / 2), days.length - 1];
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': `${title}: ${summary(days, series)}` },
    ticks.map((t) => [
      svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(t), y2: y(t), class: 'grid' }),
      svg('text', { x: PAD.left - 6, y: y(t) + 4, class: 'axis', 'text-anchor': 'end' }, count(Math.round(t))),
    ]),
    labelled.map((i) => svg('text', { x: x(i), y: HEIGHT - 8, class: 'axis', 'text-anchor': i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle' }, days[i].day)),
    series.map((s, n) => svg('polyline', {
      class: `series series-${n}`,
      points: days.map((d, i) => `${x(i).toFixed(1)},${y(d.counts[s.key] || 0).toFixed(1)}`).join(' '),
    })),
    series.map((s, n) => days.length === 1 ? svg('circle', { cx: x(0), cy: y(days[0].counts[s.key] || 0), r: 4, class: `dot series-${n}` }) : null));
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, title),
    chart,
    h('ul', { class: 'legend' }, series.map((s, n) => h('li', {}, h('span', { class: `swatch series-${n}`, 'aria-hidden': 'true' }), s.label))),
    h('details', {}, h('summary', {}, 'The numbers per day'),
      table(`${title}, per day`, ['Day', ...series.map((s) => s.label)],
        days.map((d) => [d.day, ...series.map((s) => count(d.counts[s.key]))]))));
}

function niceMax(v) {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= v);
}

function summary(days, series) {
  return series.map((s) => `${s.label} ${count(days.reduce((sum, d) => sum + (d.counts[s.key] || 0), 0))}`).join(', ');
}
