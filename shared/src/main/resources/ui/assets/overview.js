// The overview: every trigger's and campaign's counts and rates for a period, a per-day chart, and the worst bounce
// and complaint rates called out (over-sending and bad data are why triggered email fails).
import { h, table } from './dom.js';
import { get, withQuery, seg } from './api.js';
import { count, rate, daysBack, LIMITS } from './format.js';
import { dailyChart } from './chart.js';

const SERIES = [
  { key: 'sent', label: 'Sent' },
  { key: 'delivered', label: 'Delivered' },
  { key: 'opened', label: 'Opened' },
  { key: 'clicked', label: 'Clicked' },
  { key: 'converted', label: 'Converted' },
  { key: 'bounced', label: 'Bounced' },
  { key: 'complained', label: 'Complained' },
];

const COUNTS = ['triggered', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'complained'];
const RATES = [['delivery', 'Delivery'], ['open', 'Open'], ['clickThrough', 'Click-through'], ['conversion', 'Conversion'],
  ['bounce', 'Bounce'], ['complaint', 'Complaint']];

export async function overview(params, navigate) {
  const period = { ...daysBack(6), ...pick(params, ['from', 'to']) };
  const report = await get(withQuery('/v1/stats/overview', period));
  const from = h('input', { id: 'from', name: 'from', type: 'date', value: report.from });
  const to = h('input', { id: 'to', name: 'to', type: 'date', value: report.to });
  const subjects = [...report.triggers.map((t) => ({ ...t, kind: 'trigger' })), ...report.campaigns.map((c) => ({ ...c, kind: 'campaign' }))];
  return h('section', { class: 'overview' },
    h('h1', {}, 'Overview'),
    h('form', {
      class: 'inline period', 'aria-label': 'Period',
      onSubmit: (e) => {
        e.preventDefault();
        navigate(withQuery('/ui/', { from: from.value, to: to.value }));
      },
    }, h('label', { for: 'from' }, 'From'), from, h('label', { for: 'to' }, 'To'), to, h('button', { type: 'submit' }, 'Show')),
    attention(report.worst || {}),
    subjects.length === 0 ? h('p', { class: 'muted' }, 'Nothing is defined yet: no trigger or campaign to count.')
      : chartOf(subjects, report),
    h('h2', {}, 'Triggers'),
    report.triggers.length === 0 ? h('p', { class: 'muted' }, 'No triggers are defined.')
      : subjectTable('Triggers', report.triggers, 'trigger', report),
    h('h2', {}, 'Campaigns'),
    report.campaigns.length === 0 ? h('p', { class: 'muted' }, 'No campaigns are defined.')
      : subjectTable('Campaigns', report.campaigns, 'campaign', report));
}

/** The per-day chart of all triggers and campaigns, or of the one chosen. */
function chartOf(subjects, report) {
  const period = `${report.from} to ${report.to}`;
  const all = () => dailyChart(`All triggers and campaigns, ${period}`, sumDays(subjects), SERIES);
  let figure = all();
  const choice = h('select', {
    id: 'chart-subject', name: 'chart-subject',
    onChange: () => {
      const chosen = subjects.find((s) => `${s.kind}:${s.id}` === choice.value);
      const next = chosen ? dailyChart(`${chosen.kind} ${chosen.id}, ${period}`, sumDays([chosen]), SERIES) : all();
      figure.replaceWith(next);
      figure = next;
    },
  }, h('option', { value: '' }, 'All triggers and campaigns'),
  subjects.map((s) => h('option', { value: `${s.kind}:${s.id}` }, `${s.kind} ${s.id}`)));
  return h('div', { class: 'chart-area' }, h('div', { class: 'inline' }, h('label', { for: 'chart-subject' }, 'Chart'), choice), figure);
}

/** The worst bounce and complaint rates, marked when they pass the level at which SES reviews an account. */
function attention(worst) {
  const card = (name, label, w) => {
    if (!w) {
      return h('div', { class: 'card' }, h('h2', {}, label), h('p', { class: 'muted' },
        name === 'bounce' ? 'Nothing sent in this period.' : 'No delivery confirmed in this period.'));
    }
    const high = w.rate > LIMITS[name];
    return h('div', { class: `card${high ? ' bad' : ''}`, id: `worst-${name}` },
      h('h2', {}, label),
      h('p', { class: 'big' }, rate(w.rate)),
      h('p', {}, `${w.kind} `, h('a', { href: `/ui/${w.kind}s/${seg(w.id)}` }, w.id),
        ` · ${count(w.sent)} sent`),
      h('p', { class: high ? 'warn' : 'muted' }, high
        ? `Above ${rate(LIMITS[name])}: SES reviews accounts at this level. Check the addresses this ${w.kind} sends to.`
        : `Below ${rate(LIMITS[name])}, the level at which SES reviews an account.`));
  };
  return h('div', { class: 'cards' }, card('bounce', 'Highest bounce rate', worst.bounce), card('complaint', 'Highest complaint rate', worst.complaint));
}

function subjectTable(caption, subjects, kind, report) {
  const worst = report.worst || {};
  const headers = [kind === 'trigger' ? 'Trigger' : 'Campaign', 'Channel', ...COUNTS.map(title), 'Suppressed', 'Failed', 'Unknown',
    ...RATES.map(([, label]) => label), 'Messages'];
  const rows = subjects.map((s) => {
    const t = s.totals;
    const suppressed = Object.entries(t.suppressed || {});
    const mark = (name) => (worst[name] && worst[name].kind === kind && worst[name].id === s.id && s.rates[name] > LIMITS[name] ? 'bad' : null);
    return [
      h('a', { href: `/ui/${kind}s/${seg(s.id)}` }, s.id),
      s.channel || '',
      ...COUNTS.map((c) => count(t[c])),
      suppressed.length === 0 ? '0' : h('span', {}, count(suppressed.reduce((n, [, v]) => n + v, 0)),
        h('small', { class: 'muted' }, ` (${suppressed.map(([r, v]) => `${r} ${count(v)}`).join(', ')})`)),
      count(t.failed), count(t.unknown),
      ...RATES.map(([name]) => h('span', { class: mark(name) }, rate(s.rates[name], name === 'open' || name === 'clickThrough' || name === 'complaint' ? t.delivered : t.sent))),
      h('a', { href: withQuery('/ui/messages', { [`${kind}Id`]: s.id, from: report.from, to: report.to }) }, 'Messages'),
    ];
  });
  return table(caption, headers, rows, { class: 'numbers', id: `${kind}s-table` });
}

function sumDays(subjects) {
  const byDay = new Map();
  for (const s of subjects) {
    for (const d of s.days || []) {
      const sum = byDay.get(d.day) || {};
      for (const { key } of SERIES) sum[key] = (sum[key] || 0) + (d.counts[key] || 0);
      byDay.set(d.day, sum);
    }
  }
  return [...byDay.keys()].sort().map((day) => ({ day, counts: byDay.get(day) }));
}

const title = (s) => s[0].toUpperCase() + s.slice(1);

function pick(params, names) {
  const out = {};
  for (const n of names) if (params.get(n)) out[n] = params.get(n);
  return out;
}
