// Read-only pages of a trigger, a template and a campaign, with their recent numbers (editing comes next).
import { h, table, emailFrame } from './dom.js';
import { get, find, withQuery, seg } from './api.js';
import { count, rate, daysBack, json } from './format.js';

const COUNTS = ['triggered', 'sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'complained', 'failed'];

export async function trigger(id) {
  const t = await find(`/v1/triggers/${seg(id)}`);
  if (!t) return missing('Trigger', id);
  const period = daysBack(6);
  const stats = await get(withQuery(`/v1/stats/triggers/${seg(id)}`, period));
  return h('section', { class: 'definition' },
    h('h1', {}, 'Trigger ', h('code', {}, t.id)),
    readOnly(),
    h('dl', { class: 'facts' },
      fact('Description', t.description), fact('Event', t.event), fact('Channel', t.channel),
      fact('Enabled', t.enabled === false ? 'no' : 'yes'),
      fact('Template', t.template ? h('a', { href: `/ui/templates/${seg(t.template)}` }, t.template) : null)),
    h('h2', {}, 'Conditions'),
    (t.conditions || []).length === 0 ? h('p', { class: 'muted' }, 'None: every event of this name matches.')
      : h('ol', { class: 'conditions', start: '0' }, t.conditions.map((c) => h('li', {}, h('code', {}, c.path), ` ${c.op} `,
        'value' in c ? h('code', {}, JSON.stringify(c.value)) : ''))),
    h('h2', {}, `Last 7 days (${period.from} to ${period.to})`),
    totals(stats),
    h('p', {}, h('a', { href: withQuery('/ui/messages', { triggerId: t.id, ...period }) }, 'Messages of this trigger')),
    definition(t));
}

export async function template(id) {
  const t = await find(`/v1/templates/${seg(id)}`);
  if (!t) return missing('Template', id);
  return h('section', { class: 'definition' },
    h('h1', {}, 'Template ', h('code', {}, t.id)),
    readOnly(),
    h('dl', { class: 'facts' }, fact('Channel', t.channel), fact('Subject', t.subject)),
    t.html ? [h('h2', {}, 'HTML as written (Liquid not rendered)'), emailFrame(t.html, 'Template HTML')] : null,
    t.text ? [h('h2', {}, 'Text'), h('pre', { class: 'text-part' }, t.text)] : null,
    t.body ? [h('h2', {}, 'Body'), h('pre', { class: 'sms' }, t.body)] : null,
    definition(t));
}

export async function campaign(id) {
  const c = await find(`/v1/campaigns/${seg(id)}`);
  if (!c) return missing('Campaign', id);
  const stats = await get(`/v1/stats/campaigns/${seg(id)}`);
  const arms = Object.entries(stats.arms || {});
  return h('section', { class: 'definition' },
    h('h1', {}, 'Campaign ', h('code', {}, c.id)),
    readOnly(),
    h('dl', { class: 'facts' }, fact('Description', c.description), fact('Channel', c.channel),
      fact('Segment', c.segment), fact('Enabled', c.enabled === false ? 'no' : 'yes')),
    h('h2', {}, 'Arms, all time'),
    arms.length === 0 ? h('p', { class: 'muted' }, 'Not run yet.')
      : table('Arms', ['Arm', 'Assigned', ...COUNTS.map(title), 'Goal conversion'], arms.map(([arm, a]) => [arm, count(a.assigned),
        ...COUNTS.map((k) => count(a[k])), rate(a.conversionRate, a.assigned)]), { class: 'numbers', id: 'arms' }),
    h('p', {}, h('a', { href: withQuery('/ui/messages', { campaignId: c.id }) }, 'Messages of this campaign')),
    definition(c));
}

function totals(stats) {
  const t = stats.totals || {};
  return table('Totals', COUNTS.map(title), [COUNTS.map((k) => count(t[k]))], { class: 'numbers' });
}

function definition(doc) {
  return h('details', { class: 'raw' }, h('summary', {}, 'The stored definition'), h('pre', {}, json(doc)));
}

function readOnly() {
  return h('p', { class: 'muted' }, 'Read-only here for now; change it through the API (PUT) or examples/.');
}

function fact(name, value) {
  return value === undefined || value === null || value === '' ? null : [h('dt', {}, name), h('dd', {}, value)];
}

function missing(kind, id) {
  return h('section', {}, h('h1', {}, `${kind} `, h('code', {}, id)), h('p', { class: 'message' }, `There is no such ${kind.toLowerCase()}.`));
}

const title = (s) => s[0].toUpperCase() + s.slice(1);
